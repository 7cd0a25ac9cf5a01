// Task shapes, from the generated API types.
import type { Schemas } from "./client";

export type Task = Schemas["TaskResponse"];
export type TaskProgress = Schemas["TaskProgress"];
export type ProgressMap = Record<string, TaskProgress>;

export const TASK_CATEGORIES = ["general", "downloading", "downloaded"] as const;
export type TaskCategory = (typeof TASK_CATEGORIES)[number];

/** Statuses after which a task no longer changes. */
export const ENDED = new Set(["completed", "error", "canceled"]);

export const STATUS_COLORS: Record<string, string> = {
  queued: "gray",
  processing: "blue",
  suspending: "yellow",
  error: "red",
  canceled: "orange",
  completed: "green",
};

/** The `src`/`dst` of a task's summary, as text. */
export function taskEnds(task: { summary?: { props?: unknown } | null }): {
  src: string[];
  dst?: string;
} {
  const props = (task.summary?.props ?? {}) as Record<string, unknown>;
  const src = Array.isArray(props.src)
    ? props.src.map(String)
    : typeof props.src === "string"
      ? [props.src]
      : [];
  return { src, dst: typeof props.dst === "string" ? props.dst : undefined };
}

/** A drive URI as a path to read: `cloudreve://my/a/b` → `/a/b`; other text unchanged. */
export function readablePath(uri: string): string {
  const match = /^cloudreve:\/\/(?:[^@/]*@)?my(\/[^?]*)?/.exec(uri);
  if (!match) return uri;
  try {
    return decodeURIComponent(match[1] || "/");
  } catch {
    return uri;
  }
}

/**
 * What each progress key the server reports counts: bytes, or items (files, entries, blobs).
 * Each key has its label under `tasks.progress.<key>`; a key missing here counts bytes when
 * its name says size.
 */
export const PROGRESS_UNITS: Record<string, "bytes" | "count"> = {
  archive_size: "bytes",
  download: "bytes",
  upload: "bytes",
  extract_size: "bytes",
  extract_count: "count",
  indexed: "count",
  imported: "count",
  relocate: "count",
};

export function progressUnit(key: string): "bytes" | "count" {
  return PROGRESS_UNITS[key] ?? (/size|bytes/.test(key) ? "bytes" : "count");
}
