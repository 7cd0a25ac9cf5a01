// A share as its visitor uses it: a folder of it listed, saving it to one's own drive, and
// dropping files into an upload-only share (deviations §5) with upload progress.
import { useQuery } from "@tanstack/react-query";
import { API_BASE, ApiError, api, type Schemas, unwrap } from "../client";
import { accessToken } from "../session";

export type ShareUpload = Schemas["ShareUpload"];

/** One folder of a share (`cloudreve://<id>[:<password>]@share/...`). */
export function listShareFolder(uri: string) {
  return unwrap(api.GET("/file", { params: { query: { uri } } }));
}

/** A shared folder's listing, kept while the page shows it (the README looks in it). */
export function useShareFolder(uri: string) {
  return useQuery({
    queryKey: ["share-folder", uri],
    queryFn: () => listShareFolder(uri),
    retry: false,
  });
}

/** Saves a share into the caller's "Shared with me" as a link file named `name`. */
export async function saveShareToDrive(target: string, share: string, owner: string) {
  await unwrap(
    api.POST("/file/create", {
      body: {
        uri: target,
        type: "file",
        err_on_conflict: true,
        metadata: { "sys:shared_redirect": share, "sys:shared_owner": owner },
      },
    }),
  );
}

/**
 * Sends `file` into upload-only share `id`. XHR, not fetch: only XHR reports upload progress.
 * `onProgress` gets the bytes sent so far; `signal` aborts the upload.
 */
export async function uploadToShare(
  id: string,
  password: string | undefined,
  file: File,
  onProgress: (sent: number) => void,
  signal?: AbortSignal,
): Promise<ShareUpload> {
  const query = new URLSearchParams({ name: file.name });
  if (password) query.set("password", password);
  const token = await accessToken();
  const xhr = await new Promise<XMLHttpRequest>((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("PUT", `${API_BASE}/share/upload/${encodeURIComponent(id)}?${query}`);
    if (token) request.setRequestHeader("Authorization", `Bearer ${token}`);
    request.upload.onprogress = (event) => onProgress(event.loaded);
    request.onerror = () => reject(new ApiError(0, ""));
    request.onabort = () => reject(new ApiError(0, "canceled"));
    request.onload = () => resolve(request);
    signal?.addEventListener("abort", () => request.abort());
    request.send(file);
  });
  let envelope: { code?: number; msg?: string; data?: ShareUpload } | null = null;
  try {
    envelope = JSON.parse(xhr.responseText);
  } catch {
    throw new ApiError(xhr.status, xhr.statusText || `HTTP ${xhr.status}`);
  }
  const data = envelope?.code === 0 ? envelope.data : undefined;
  if (!data) throw new ApiError(envelope?.code ?? xhr.status, envelope?.msg ?? "");
  return data;
}
