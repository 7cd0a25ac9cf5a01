// Which snapshot dialog is open, from anywhere in the app: the explorer's folder actions and the
// read-only banner open one; `SnapshotDialogHost` (in the app frame) draws it.
import { useSyncExternalStore } from "react";
import type { Schemas } from "../../api/client";

export type Snapshot = Schemas["Snapshot"];

/** A folder of "my files": its URI and the name to show. */
export type SnapshotFolder = { uri: string; name: string };

export type SnapshotDialog =
  | { kind: "take"; folder: SnapshotFolder; back?: boolean }
  | { kind: "list"; folder: SnapshotFolder }
  | { kind: "restore"; snapshot: Snapshot };

let current: SnapshotDialog | null = null;
const listeners = new Set<() => void>();

export function openSnapshotDialog(dialog: SnapshotDialog | null) {
  current = dialog;
  for (const listener of listeners) listener();
}

export function closeSnapshotDialog() {
  openSnapshotDialog(null);
}

export function useSnapshotDialog(): SnapshotDialog | null {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => current,
  );
}
