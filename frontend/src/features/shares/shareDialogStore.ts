// Which share dialog is open, from anywhere in the app: the explorer calls `openShareDialog`
// for a file, My shares for a share to edit; `ShareDialogHost` (in the app frame) draws it.
import { useSyncExternalStore } from "react";
import type { Schemas } from "../../api/client";

export type ShareTarget =
  | { kind: "create"; uri: string; name: string; folder: boolean }
  | { kind: "edit"; share: Schemas["Share"] };

let current: ShareTarget | null = null;
const listeners = new Set<() => void>();

function set(target: ShareTarget | null) {
  current = target;
  for (const listener of listeners) listener();
}

/** Opens the dialog that shares the file or folder at `uri`. */
export function openShareDialog(file: { path: string; name: string; type?: number }) {
  set({ kind: "create", uri: file.path, name: file.name, folder: file.type === 1 });
}

export function editShare(share: Schemas["Share"]) {
  set({ kind: "edit", share });
}

export function closeShareDialog() {
  set(null);
}

export function useShareTarget(): ShareTarget | null {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => current,
  );
}
