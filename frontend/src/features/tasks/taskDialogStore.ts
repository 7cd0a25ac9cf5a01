// Which task dialog is open, from anywhere in the app: the explorer's actions and toolbar open
// one; `TaskDialogHost` (in the app frame) draws it.
import { useSyncExternalStore } from "react";
import type { FileInfo } from "../../api/client";

export type TaskDialog =
  | { kind: "compress"; files: FileInfo[]; folder: string }
  | { kind: "extract"; file: FileInfo; folder: string }
  | { kind: "download"; folder: string; torrent?: FileInfo };

let current: TaskDialog | null = null;
const listeners = new Set<() => void>();

export function openTaskDialog(dialog: TaskDialog | null) {
  current = dialog;
  for (const listener of listeners) listener();
}

export function closeTaskDialog() {
  openTaskDialog(null);
}

export function useTaskDialog(): TaskDialog | null {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => current,
  );
}
