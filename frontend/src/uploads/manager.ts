// The upload queue: each file gets an upload session (`PUT /file/upload`), then its chunks are
// sent in order (`POST /file/upload/:session/:index`), each retried a few times. XHR, not fetch,
// because only XHR reports upload progress. A few files go at once; the rest wait.
import { useSyncExternalStore } from "react";
import { API_BASE, ApiError, api, unwrap } from "../api/client";
import { accessToken } from "../api/session";
import { childUri } from "../lib/uri";

export type UploadStatus = "queued" | "uploading" | "done" | "error" | "canceled";

export type Upload = {
  id: number;
  name: string;
  size: number;
  /** The folder it goes into. */
  folder: string;
  uri: string;
  loaded: number;
  status: UploadStatus;
  error?: string;
};

type Job = Upload & { file: File; policyId: string; sessionId?: string; abort?: () => void };

/** Files sent at the same time. */
const PARALLEL = 2;
/** Attempts per chunk before the file fails. */
const CHUNK_ATTEMPTS = 3;

let jobs: Job[] = [];
let snapshot: Upload[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
let finished: (folder: string) => void = () => {};

function publish() {
  snapshot = jobs.map(({ file: _f, policyId: _p, sessionId: _s, abort: _a, ...upload }) => upload);
  for (const listener of listeners) listener();
}

function update(job: Job, change: Partial<Job>) {
  Object.assign(job, change);
  publish();
}

export function useUploads(): Upload[] {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => snapshot,
  );
}

/** Called with the folder of each upload that completed (to re-list it). */
export function onUploadFinished(handler: (folder: string) => void) {
  finished = handler;
}

export function enqueueUploads(files: File[], folder: string, policyId: string) {
  for (const file of files) {
    jobs.push({
      id: nextId++,
      name: file.name,
      size: file.size,
      folder,
      uri: childUri(folder, file.name),
      loaded: 0,
      status: "queued",
      file,
      policyId,
    });
  }
  publish();
  pump();
}

export function cancelUpload(id: number) {
  const job = jobs.find((j) => j.id === id);
  if (!job || (job.status !== "queued" && job.status !== "uploading")) return;
  job.abort?.();
  update(job, { status: "canceled" });
  if (job.sessionId) {
    unwrap(api.DELETE("/file/upload", { body: { id: job.sessionId, uri: job.uri } })).catch(
      () => {},
    );
  }
  pump();
}

/** Forgets the uploads that ended. */
export function clearFinished() {
  jobs = jobs.filter((j) => j.status === "queued" || j.status === "uploading");
  publish();
}

function pump() {
  let running = jobs.filter((j) => j.status === "uploading").length;
  for (const job of jobs) {
    if (running >= PARALLEL) break;
    if (job.status !== "queued") continue;
    running += 1;
    update(job, { status: "uploading" });
    run(job)
      .then(() => {
        if (job.status === "uploading") {
          update(job, { status: "done", loaded: job.size });
          finished(job.folder);
        }
      })
      .catch((e: unknown) => {
        if (job.status === "uploading") {
          update(job, { status: "error", error: e instanceof Error ? e.message : String(e) });
        }
      })
      .finally(pump);
  }
}

async function run(job: Job) {
  const session = await unwrap(
    api.PUT("/file/upload", {
      body: {
        uri: job.uri,
        size: job.size,
        policy_id: job.policyId,
        last_modified: job.file.lastModified,
        mime_type: job.file.type || undefined,
      },
    }),
  );
  job.sessionId = session.session_id;
  if (job.status !== "uploading") return;
  const policy = session.storage_policy;
  if (policy && policy.type !== "local" && !policy.relay) {
    throw new ApiError(40006, `storage policy type "${policy.type}" is not supported here yet`);
  }
  const chunkSize = session.chunk_size > 0 ? session.chunk_size : Math.max(job.size, 1);
  const count = Math.max(1, Math.ceil(job.size / chunkSize));
  for (let index = 0; index < count; index++) {
    const start = index * chunkSize;
    const blob = job.file.slice(start, Math.min(start + chunkSize, job.size));
    await sendWithRetries(job, session.session_id, index, blob, start);
    if (job.status !== "uploading") return;
  }
}

async function sendWithRetries(
  job: Job,
  sessionId: string,
  index: number,
  blob: Blob,
  start: number,
) {
  for (let attempt = 1; ; attempt++) {
    try {
      await sendChunk(job, sessionId, index, blob, start);
      return;
    } catch (e) {
      // A refused chunk (an envelope code) will be refused again; a dropped connection may not.
      const retriable = e instanceof ApiError && e.code < 1000;
      if (!retriable || attempt >= CHUNK_ATTEMPTS || job.status !== "uploading") throw e;
    }
  }
}

async function sendChunk(job: Job, sessionId: string, index: number, blob: Blob, start: number) {
  const token = await accessToken();
  await new Promise<void>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    job.abort = () => xhr.abort();
    xhr.open("POST", `${API_BASE}/file/upload/${encodeURIComponent(sessionId)}/${index}`);
    if (token) xhr.setRequestHeader("Authorization", `Bearer ${token}`);
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.upload.onprogress = (event) => update(job, { loaded: start + event.loaded });
    xhr.onerror = () => reject(new ApiError(0, "network error"));
    xhr.onabort = () => reject(new ApiError(0, "canceled"));
    xhr.onload = () => {
      let envelope: { code?: number; msg?: string } | null = null;
      try {
        envelope = JSON.parse(xhr.responseText);
      } catch {
        // Not an envelope: judged by the status below.
      }
      if (envelope && typeof envelope.code === "number") {
        if (envelope.code === 0) resolve();
        else reject(new ApiError(envelope.code, envelope.msg ?? ""));
      } else {
        reject(new ApiError(xhr.status, xhr.statusText || `HTTP ${xhr.status}`));
      }
    };
    xhr.send(blob);
  });
  update(job, { loaded: start + blob.size });
}
