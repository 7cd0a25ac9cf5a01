// The upload queue. Each file gets an upload session (`PUT /file/upload`), then its chunks go,
// as many at once as the policy's `chunk_concurrency` allows, each retried a few times, to
// where the session's storage policy takes them (senders/: through Stratus, to a slave node,
// or to an S3/OSS bucket). A few files go at once; the rest
// wait. Every session is kept in localStorage (saved.ts) with the chunks sent and where they go,
// so that after a reload the upload goes on from the next chunk once the file is picked again.
import { useSyncExternalStore } from "react";
import { fetchCapacity } from "../../api/account/capacity";
import { ApiError } from "../../api/client";
import { ensureFolder } from "../../api/files/files";
import { createUploadSession, deleteUploadSession } from "../../api/files/uploads";
import { childUri } from "../../lib/uri";
import { askConflict, type Batch, numberedName } from "./conflicts";
import { forgetUpload, loadSaved, type SavedUpload, sameFile, saveUpload } from "./saved";
import { senderFor, type Target, targetOf } from "./senders";

export type UploadStatus =
  | "queued"
  | "uploading"
  | "paused"
  | "done"
  | "error"
  | "canceled"
  | "skipped";

export type Upload = {
  id: number;
  name: string;
  /** Where it goes, below the folder it was dropped into ("photos/2026/a.jpg"). */
  path: string;
  size: number;
  /** The folder it goes into. */
  folder: string;
  uri: string;
  loaded: number;
  status: UploadStatus;
  error?: unknown;
  /** Bytes per second over the last few seconds, while uploading. */
  speed: number;
};

/** A file to send, with the folders between the target folder and it. */
export type Pick = { file: File; dirs: string[] };

type Job = Upload & {
  file?: File;
  policyId: string;
  batch: Batch;
  /** Ask for a new version of the existing file. */
  overwrite: boolean;
  session?: {
    id: string;
    chunkSize: number;
    expires: number;
    target: Target;
    /** Chunks sent at once (the policy's `chunk_concurrency`, at least 1). */
    concurrency: number;
  };
  nextChunk: number;
  samples: { at: number; loaded: number }[];
  abort?: () => void;
};

/** Files sent at the same time. */
const PARALLEL = 3;
/** Attempts per chunk before the file fails. */
const CHUNK_ATTEMPTS = 3;
/** Names tried when renaming around a conflict. */
const RENAME_ATTEMPTS = 50;
/** The window the speed is measured over. */
const SPEED_WINDOW_MS = 3000;

let jobs: Job[] = [];
let snapshot: Upload[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
let finished: (folder: string) => void = () => {};

function publish() {
  snapshot = jobs.map((j) => ({
    id: j.id,
    name: j.name,
    path: j.path,
    size: j.size,
    folder: j.folder,
    uri: j.uri,
    loaded: j.loaded,
    status: j.status,
    error: j.error,
    speed: j.status === "uploading" ? speedOf(j) : 0,
  }));
  for (const listener of listeners) listener();
}

function speedOf(job: Job): number {
  const first = job.samples[0];
  const last = job.samples[job.samples.length - 1];
  if (!first || !last || last.at - first.at < 200) return 0;
  return ((last.loaded - first.loaded) * 1000) / (last.at - first.at);
}

function update(job: Job, change: Partial<Job>) {
  Object.assign(job, change);
  if (change.loaded !== undefined) {
    const at = performance.now();
    job.samples.push({ at, loaded: change.loaded });
    while (job.samples.length > 2 && (job.samples[0]?.at ?? at) < at - SPEED_WINDOW_MS) {
      job.samples.shift();
    }
  }
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

const pathOf = (pick: Pick) => [...pick.dirs, pick.file.name].join("/");

function uriOf(folder: string, dirs: string[], name: string): string {
  return [...dirs, name].reduce(childUri, folder);
}

/**
 * Queues files for `folder`: first the folders they sit in (and `emptyDirs`) are made, top
 * down, so that parallel uploads never race to create the same parent.
 */
export async function enqueueUploads(
  picks: Pick[],
  folder: string,
  policyId: string,
  emptyDirs: string[][] = [],
) {
  const dirs = new Map<string, string[]>();
  for (const dir of [...picks.map((p) => p.dirs), ...emptyDirs]) {
    for (let depth = 1; depth <= dir.length; depth++) {
      const part = dir.slice(0, depth);
      dirs.set(part.join("/"), part);
    }
  }
  const batch: Batch = {};
  const sorted = [...picks].sort((a, b) => pathOf(a).localeCompare(pathOf(b)));
  const added: Job[] = sorted.map(({ file, dirs: path }) => ({
    id: nextId++,
    name: file.name,
    path: pathOf({ file, dirs: path }),
    size: file.size,
    folder,
    uri: uriOf(folder, path, file.name),
    loaded: 0,
    status: "queued",
    speed: 0,
    file,
    policyId,
    batch,
    overwrite: false,
    nextChunk: 0,
    samples: [],
  }));
  jobs.push(...added);
  publish();

  try {
    await checkQuota(added.reduce((sum, j) => sum + j.size, 0));
    const parents = [...dirs.values()].sort((a, b) => a.length - b.length);
    for (const dir of parents) {
      await ensureFolder(uriOf(folder, dir.slice(0, -1), dir[dir.length - 1] ?? ""));
    }
    if (parents.length) finished(folder);
  } catch (e) {
    for (const job of added)
      if (job.status === "queued") update(job, { status: "error", error: e });
    throw e;
  }
  pump();
}

/** Thrown before any byte is sent when the files do not fit in what is left of the quota. */
export class QuotaError extends Error {
  constructor(
    readonly needed: number,
    readonly free: number,
  ) {
    super("quota");
    this.name = "QuotaError";
  }
}

async function checkQuota(needed: number) {
  const { used, total } = await fetchCapacity();
  const free = Math.max(0, total - used);
  if (total > 0 && needed > free) throw new QuotaError(needed, free);
}

export function cancelUpload(id: number) {
  const job = jobs.find((j) => j.id === id);
  if (!job || !["queued", "uploading", "paused", "error"].includes(job.status)) return;
  job.abort?.();
  update(job, { status: "canceled" });
  dropSession(job);
  pump();
}

/** Deletes the job's session on the server (its placeholder with it) and here. */
function dropSession(job: Job) {
  const session = job.session;
  if (!session) return;
  job.session = undefined;
  forgetUpload(session.id);
  deleteUploadSession(session.id, job.uri).catch(() => {});
}

/** Tries a failed upload again, from the chunk after the last one the server took. */
export function retryUpload(id: number) {
  const job = jobs.find((j) => j.id === id);
  if (job?.status !== "error" || !job.file) return;
  update(job, { status: "queued", error: undefined });
  pump();
}

/** Forgets the uploads that ended. */
export function clearFinished() {
  jobs = jobs.filter((j) => ["queued", "uploading", "paused"].includes(j.status));
  publish();
}

/** Shows the sessions saved before a reload, waiting for their files to be picked again. */
export function restoreSaved() {
  const known = new Set(jobs.map((j) => j.session?.id));
  const restored = loadSaved()
    .filter((s) => !known.has(s.sessionId))
    .map((s): Job => {
      const loaded = Math.min(s.size, s.nextChunk * s.chunkSize);
      return {
        id: nextId++,
        name: s.name,
        path: s.name,
        size: s.size,
        folder: s.folder,
        uri: s.uri,
        loaded,
        status: "paused",
        speed: 0,
        policyId: "",
        batch: {},
        overwrite: false,
        session: {
          id: s.sessionId,
          chunkSize: s.chunkSize,
          expires: s.expires,
          target: s.target ?? { kind: "relay" },
          concurrency: s.concurrency ?? 1,
        },
        nextChunk: s.nextChunk,
        samples: [],
      };
    });
  if (!restored.length) return;
  jobs.push(...restored);
  publish();
}

/** The file picked again for a paused upload: false when it is not the same file. */
export function resumeUpload(id: number, file: File): boolean {
  const job = jobs.find((j) => j.id === id);
  const saved = loadSaved().find((s) => s.sessionId === job?.session?.id);
  if (job?.status !== "paused") return false;
  if (!saved) {
    update(job, { status: "error", error: new ApiError(40011, "") });
    return true;
  }
  if (!sameFile(saved, file)) return false;
  update(job, { file, status: "queued" });
  pump();
  return true;
}

function pump() {
  let running = jobs.filter((j) => j.status === "uploading").length;
  for (const job of jobs) {
    if (running >= PARALLEL) break;
    if (job.status !== "queued") continue;
    running += 1;
    update(job, { status: "uploading", samples: [] });
    run(job)
      .then(() => {
        if (job.status === "uploading") {
          update(job, { status: "done", loaded: job.size });
          finished(job.folder);
        }
      })
      .catch((e: unknown) => {
        if (job.status !== "uploading") return;
        // The server no longer knows the session: nothing left to resume.
        if (e instanceof ApiError && e.code === 40011 && job.session) {
          forgetUpload(job.session.id);
          job.session = undefined;
          job.nextChunk = 0;
        }
        update(job, { status: "error", error: e });
      })
      .finally(pump);
  }
}

async function run(job: Job) {
  if (!job.session) await createSession(job);
  const session = job.session;
  const file = job.file;
  if (!session || !file || job.status !== "uploading") return;
  const count = chunkCount(job.size, session.chunkSize);
  const sender = senderFor(session.id, session.target, count, () => save(job));
  // Up to `concurrency` chunks in flight (the policy's `chunk_concurrency`): the server takes
  // them in any order. `nextChunk` stays the first chunk not yet taken, so a resumed upload
  // sends again at most the chunks that were in flight.
  const taken = new Set<number>();
  const sending = new Map<number, number>();
  const aborts = new Map<number, () => void>();
  job.abort = () => {
    for (const abort of aborts.values()) abort();
  };
  const chunkBytes = (index: number) =>
    Math.min(session.chunkSize, job.size - index * session.chunkSize);
  const showProgress = () => {
    let loaded = 0;
    for (const index of taken) loaded += Math.max(0, chunkBytes(index));
    for (const sent of sending.values()) loaded += sent;
    update(job, { loaded: Math.min(loaded, job.size) });
  };
  let next = job.nextChunk;
  const worker = async () => {
    while (next < count && job.status === "uploading") {
      const index = next++;
      const start = index * session.chunkSize;
      const blob = file.slice(start, Math.min(start + session.chunkSize, job.size));
      const hooks = {
        progress: (sent: number) => {
          sending.set(index, sent);
          showProgress();
        },
        setAbort: (abort?: () => void) => {
          if (abort) aborts.set(index, abort);
          else aborts.delete(index);
        },
      };
      await withRetries(job, () => sender.chunk(index, blob, hooks));
      sending.delete(index);
      if (job.status !== "uploading") return;
      taken.add(index);
      while (taken.has(job.nextChunk)) job.nextChunk += 1;
      showProgress();
      save(job);
    }
  };
  // Chunks taken before a reload count as loaded.
  for (let index = 0; index < job.nextChunk; index++) taken.add(index);
  const workers = Math.max(1, Math.min(session.concurrency, count - job.nextChunk));
  await Promise.all(Array.from({ length: workers }, worker));
  if (job.status !== "uploading") return;
  await withRetries(job, sender.finish);
  forgetUpload(session.id);
}

const chunkCount = (size: number, chunkSize: number) => Math.max(1, Math.ceil(size / chunkSize));

function save(job: Job) {
  if (!job.session || !job.file) return;
  const saved: SavedUpload = {
    sessionId: job.session.id,
    uri: job.uri,
    folder: job.folder,
    name: job.file.name,
    size: job.size,
    lastModified: job.file.lastModified,
    chunkSize: job.session.chunkSize,
    nextChunk: job.nextChunk,
    expires: job.session.expires,
    target: job.session.target,
    concurrency: job.session.concurrency,
  };
  saveUpload(saved);
}

/** A session for the job's file; a name already taken is asked about. */
async function createSession(job: Job) {
  const file = job.file;
  if (!file) return;
  const name = file.name;
  for (let attempt = 0; attempt <= RENAME_ATTEMPTS; attempt++) {
    try {
      const session = await createUploadSession({
        uri: job.uri,
        size: job.size,
        policy_id: job.policyId,
        last_modified: file.lastModified,
        mime_type: file.type || undefined,
        ...(job.overwrite ? { entity_type: "version" } : {}),
      });
      const chunkSize = session.chunk_size > 0 ? session.chunk_size : Math.max(job.size, 1);
      let target: Target;
      try {
        target = targetOf(session, chunkCount(job.size, chunkSize));
      } catch (e) {
        deleteUploadSession(session.session_id, job.uri).catch(() => {});
        throw e;
      }
      const concurrency = Math.max(1, session.storage_policy.chunk_concurrency ?? 1);
      job.session = {
        id: session.session_id,
        chunkSize,
        expires: session.expires,
        target,
        concurrency,
      };
      if (job.status === "uploading") save(job);
      else dropSession(job);
      return;
    } catch (e) {
      if (!(e instanceof ApiError) || e.code !== 40004 || job.overwrite) throw e;
      // The first conflict is asked about; after "rename" the next free number is looked for.
      const choice = attempt === 0 ? await askConflict(name, job.batch) : "rename";
      if (job.status !== "uploading") return;
      if (choice === "skip") {
        update(job, { status: "skipped" });
        return;
      }
      if (choice === "overwrite") {
        job.overwrite = true;
      } else {
        const renamed = numberedName(name, attempt + 1);
        update(job, {
          name: renamed,
          path: job.path.replace(/[^/]*$/, renamed),
          uri: childUri(job.uri.replace(/\/[^/]*$/, ""), renamed),
        });
      }
    }
  }
}

/** Runs `send` until it succeeds, a few times for the failures that may pass. */
async function withRetries(job: Job, send: () => Promise<void>) {
  for (let attempt = 1; ; attempt++) {
    try {
      await send();
      return;
    } catch (e) {
      // A refused chunk (an envelope code) will be refused again; a dropped connection or a
      // server error may not.
      const retriable = e instanceof ApiError && e.code < 1000 && e.code !== 403;
      if (!retriable || attempt >= CHUNK_ATTEMPTS || job.status !== "uploading") throw e;
      await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
      if (job.status !== "uploading") throw e;
    }
  }
}
