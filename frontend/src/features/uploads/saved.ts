// Upload sessions kept in localStorage, per user, so that an upload cut by a reload or a closed
// tab can go on from the chunk after the last one the server took. The file itself cannot be
// kept: after a reload the person picks it again, and it must match name and size.
import { getSession } from "../../api/session";
import type { Target } from "./senders";

export type SavedUpload = {
  sessionId: string;
  uri: string;
  /** The folder it goes into (re-listed when it completes). */
  folder: string;
  name: string;
  size: number;
  lastModified: number;
  chunkSize: number;
  /** Chunks the server has taken: the next one to send. */
  nextChunk: number;
  /** When the server forgets the session (unix seconds). */
  expires: number;
  /** Where the chunks go (absent in sessions saved before direct uploads: through Stratus). */
  target?: Target;
  /** Chunks sent at once (absent in sessions saved before: one). */
  concurrency?: number;
};

function storageKey(): string | null {
  const user = getSession()?.user.id;
  return user ? `stratus.uploads.${user}` : null;
}

export function loadSaved(): SavedUpload[] {
  const key = storageKey();
  if (!key) return [];
  try {
    const parsed = JSON.parse(localStorage.getItem(key) ?? "[]");
    if (!Array.isArray(parsed)) return [];
    const now = Date.now() / 1000;
    return parsed.filter(
      (s): s is SavedUpload =>
        typeof s?.sessionId === "string" && typeof s.uri === "string" && s.expires > now,
    );
  } catch {
    return [];
  }
}

function store(all: SavedUpload[]) {
  const key = storageKey();
  if (!key) return;
  if (all.length) localStorage.setItem(key, JSON.stringify(all));
  else localStorage.removeItem(key);
}

export function saveUpload(saved: SavedUpload) {
  store([...loadSaved().filter((s) => s.sessionId !== saved.sessionId), saved]);
}

export function forgetUpload(sessionId: string) {
  store(loadSaved().filter((s) => s.sessionId !== sessionId));
}

/** Whether a picked file is the one a saved session was made for. */
export function sameFile(saved: SavedUpload, file: File): boolean {
  return (
    file.name === saved.name &&
    file.size === saved.size &&
    (!saved.lastModified || !file.lastModified || file.lastModified === saved.lastModified)
  );
}
