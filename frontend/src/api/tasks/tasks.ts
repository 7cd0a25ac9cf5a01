// Tasks (`/workflow`): their shapes from the generated API types, the list of one category,
// the requests that start them, and the one key every change invalidates.
import { useInfiniteQuery } from "@tanstack/react-query";
import { api, type Schemas, unwrap } from "../client";
import { queryClient } from "../queryClient";

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
 * A task's log line with the drive URIs in it written as paths (`… into cloudreve://my/a.zip`
 * → `… into /a.zip`): a URI in a line is one word, its characters escaped.
 */
export function readableLogLine(line: string): string {
  return line.replace(/cloudreve:\/\/(?:[^@/\s]*@)?my(?:\/[^\s?]*)?(?:\?\S*)?/g, readablePath);
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

export const tasksKey = ["tasks"] as const;

/** After a task was started or cancelled: every category's list. */
export function invalidateTasks() {
  return queryClient.invalidateQueries({ queryKey: tasksKey });
}

/** One category's tasks, `pageSize` a page, refreshed while any has not ended. */
export function useTasks(category: TaskCategory, pageSize: number) {
  return useInfiniteQuery({
    queryKey: [...tasksKey, category],
    initialPageParam: "",
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET("/workflow", {
          params: {
            query: {
              category,
              page_size: pageSize,
              ...(pageParam ? { next_page_token: pageParam } : {}),
            },
          },
        }),
      ),
    getNextPageParam: (last) => last.pagination.next_token || undefined,
    // Tasks beyond the streamed ones change too: refresh while any has not ended.
    refetchInterval: (query) =>
      query.state.data?.pages.some((p) => p.tasks.some((task) => !ENDED.has(task.status)))
        ? 5000
        : false,
  });
}

/** `POST /workflow/archive`: the files compressed into `dst`. */
export function compressFiles(src: string[], dst: string): Promise<Task> {
  return unwrap(api.POST("/workflow/archive", { body: { src, dst } }));
}

/** `POST /workflow/extract` */
export type ExtractRequest = Schemas["ExtractRequest"];

/** `POST /workflow/download` */
export type RemoteDownloadRequest = Schemas["RemoteDownloadRequest"];

export function extractArchive(request: ExtractRequest): Promise<Task> {
  return unwrap(api.POST("/workflow/extract", { body: request }));
}

/** One task per URL, or one for the torrent file. */
export function startRemoteDownload(request: RemoteDownloadRequest): Promise<Task[]> {
  return unwrap(api.POST("/workflow/download", { body: request }));
}

/** Cancels remote download `id`; the caller re-reads the lists. */
export async function cancelDownload(id: string) {
  await unwrap(api.DELETE("/workflow/download/{id}", { params: { path: { id } } }));
}
