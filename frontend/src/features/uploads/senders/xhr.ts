// One XHR request with upload progress and a way to abort it: what every chunk sender builds on.
// XHR, not fetch, because only XHR reports upload progress.
import { ApiError } from "../../../api/client";

/** What a sender tells the upload manager while a chunk goes out. */
export type Hooks = {
  /** Bytes of this chunk sent so far. */
  progress: (sent: number) => void;
  /** How to stop the request in flight (undefined once it ended). */
  setAbort: (abort?: () => void) => void;
};

type Request = {
  method: "POST" | "PUT";
  url: string;
  headers?: Record<string, string>;
  body: Blob | string;
};

/** Sends `request`; resolves with the finished XHR whatever its status, rejects on a dropped
 * connection (code 0) or an abort. */
export function sendXhr(request: Request, hooks?: Hooks): Promise<XMLHttpRequest> {
  return new Promise<XMLHttpRequest>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    hooks?.setAbort(() => xhr.abort());
    xhr.open(request.method, request.url);
    for (const [name, value] of Object.entries(request.headers ?? {})) {
      xhr.setRequestHeader(name, value);
    }
    if (hooks) xhr.upload.onprogress = (event) => hooks.progress(event.loaded);
    xhr.onerror = () => reject(new ApiError(0, ""));
    xhr.onabort = () => reject(new ApiError(0, "canceled"));
    xhr.onload = () => resolve(xhr);
    xhr.send(request.body);
  }).finally(() => hooks?.setAbort(undefined));
}

/** Judges an answer that should be a Cloudreve envelope (the master's or a node's). */
export function checkEnvelope(xhr: XMLHttpRequest) {
  let envelope: { code?: number; msg?: string } | null = null;
  try {
    envelope = JSON.parse(xhr.responseText);
  } catch {
    // Not an envelope: judged by the status below.
  }
  if (envelope && typeof envelope.code === "number") {
    if (envelope.code !== 0) throw new ApiError(envelope.code, envelope.msg ?? "");
    return;
  }
  throw new ApiError(xhr.status, xhr.statusText || `HTTP ${xhr.status}`);
}
