//! Saved shares (entries of "Shared with me"): each is an empty symbolic file whose
//! `sys:shared_redirect` names the share. Opening or downloading one goes through that share:
//! a folder share is its root folder, a file share the one file its root lists.
import { api, type FileInfo, unwrap } from "../client";

const FOLDER = 1;

/** The share URI a saved entry leads to; undefined for any other file. */
export function savedTarget(file: FileInfo): string | undefined {
  const target = file.metadata?.["sys:shared_redirect"];
  return typeof target === "string" ? target : undefined;
}

/**
 * Whether a saved entry has no size to show: the server lists a saved file share with the
 * shared file's size, but a saved folder share is its own empty file (0 B, which would read
 * as an empty file).
 */
export function sizeless(file: FileInfo): boolean {
  return !!savedTarget(file) && file.size === 0;
}

/**
 * What a saved entry stands for: the shared file, or the shared folder as a folder item
 * (named as the entry) at the share's root URI. Any other file stands for itself.
 */
export async function followSaved(file: FileInfo): Promise<FileInfo> {
  const target = savedTarget(file);
  if (!target) return file;
  const root = await unwrap(api.GET("/file", { params: { query: { uri: target } } }));
  const only = root.files[0];
  if (root.single_file_view && only) return only;
  return { ...file, path: target, type: FOLDER, size: 0, metadata: {} };
}
