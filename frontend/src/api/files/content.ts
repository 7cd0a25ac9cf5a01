//! What the viewers ask of the server beyond a file's signed URL (`fileUrls.ts`): the
//! text of a file, and saving edited text as a new version (`PUT /file/content`).

import { invalidateCapacity } from "../account/capacity";
import { api, type FileInfo, unwrap } from "../client";
import { queryClient } from "../queryClient";
import { infoKey } from "./fileInfo";
import { fileUrl } from "./fileUrls";
import { listKey } from "./listing";

/** Largest file shown as text (a bigger one is offered as a download). */
export const MAX_TEXT_BYTES = 5 * 1024 * 1024;

export async function fetchText(uri: string, signal?: AbortSignal): Promise<string> {
  const answer = await fetch(await fileUrl(uri), { signal, cache: "no-store" });
  if (!answer.ok) throw new Error(`HTTP ${answer.status}`);
  return answer.text();
}

/** The bytes of a file not too large to hold (an ePub, which its reader unzips). */
export async function fetchBytes(uri: string, signal?: AbortSignal): Promise<ArrayBuffer> {
  const answer = await fetch(await fileUrl(uri), { signal });
  if (!answer.ok) throw new Error(`HTTP ${answer.status}`);
  return answer.arrayBuffer();
}

/**
 * Saves `text` as a new version of `file`; `previous` is the version the edit started from, so
 * the server refuses (40076) when someone saved another version in between.
 */
export async function saveText(file: FileInfo, text: string, previous?: string): Promise<FileInfo> {
  const saved = await unwrap(
    api.PUT("/file/content", {
      params: { query: { uri: file.path, ...(previous ? { previous } : {}) } },
      body: text as never,
      bodySerializer: (body: unknown) => body as string,
      headers: { "Content-Type": "application/octet-stream" },
    }),
  );
  const folder = file.path.replace(/\/[^/]*$/, "");
  queryClient.invalidateQueries({ queryKey: listKey(folder) });
  // The info panel, open beside the editor, shows the new size, date and version.
  queryClient.invalidateQueries({ queryKey: infoKey(file.path) });
  void invalidateCapacity();
  return saved as FileInfo;
}
