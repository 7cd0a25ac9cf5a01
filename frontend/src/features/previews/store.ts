//! Which file the viewer shows, from anywhere in the app: `openPreview` publishes it, the
//! `PreviewHost` (index.tsx) and the viewers read it.
import { useSyncExternalStore } from "react";
import type { FileInfo } from "../../api/client";
import { previewKind } from "./kinds";

export type PreviewState = {
  file: FileInfo;
  /** The other files of the folder, for the image gallery. */
  siblings: FileInfo[];
};

let state: PreviewState | null = null;
const listeners = new Set<() => void>();

function publish(next: PreviewState | null) {
  state = next;
  for (const listener of listeners) listener();
}

/** Opens `file` in its viewer; false when no viewer takes it (then download it instead). */
export function openPreview(file: FileInfo, siblings: FileInfo[] = []): boolean {
  if (file.type !== 0 || !previewKind(file.name)) return false;
  publish({ file, siblings });
  return true;
}

export function closePreview() {
  publish(null);
}

/** Shows another file in the open viewer (the gallery's arrows). */
export function showInPreview(file: FileInfo) {
  if (state) publish({ ...state, file });
}

export function usePreview(): PreviewState | null {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => state,
  );
}
