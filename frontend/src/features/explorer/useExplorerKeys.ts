// The explorer's keyboard: the list's keys (focus, selection, open, rename, delete, clipboard,
// up a folder, the context menu) and Ctrl+V on the page, which also pastes into an empty
// folder, where there is no list to hold the focus.
import { type KeyboardEvent, useEffect, useRef } from "react";
import type { FileInfo } from "../../api/client";
import { FOLDER } from "../../api/files/listing";
import { ancestors } from "../../lib/uri";
import type { ExplorerDialog } from "./actions";
import type { ExplorerDialogState } from "./dialogs/ExplorerDialogHost";
import type { FolderState } from "./folderState";
import type { Refocus } from "./list/keyNav";
import type { ViewMode } from "./list/view";
import type { Selection } from "./selection/selection";
import type { useExplorerHandle } from "./useExplorerHandle";

type ListKeys = {
  files: FileInfo[];
  selection: Selection;
  mode: ViewMode;
  fs: string;
  dialog: ExplorerDialog | null;
  closeDialog: () => void;
  open: (file: FileInfo) => void;
  runAction: (id: string, chosen?: FileInfo[]) => void;
  selectAll: () => void;
  /** Ctrl+C, Ctrl+X: keeps the files for a paste. */
  keep: (files: FileInfo[], cut: boolean) => void;
  paste: () => void;
  up: () => void;
  openMenu: (at: { x: number; y: number }) => void;
};

/** Ctrl+V anywhere on the page but in a field, dialog or menu. */
export function usePasteShortcut(paste: () => void) {
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (e.defaultPrevented || target.closest("input, textarea, [role=dialog], [role=menu]"))
        return;
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "v") {
        e.preventDefault();
        paste();
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [paste]);
}

/** Moves the focus by `key`, or returns false when the key moves nothing. */
function moveFocus(k: ListKeys, key: string, e: KeyboardEvent, columns: number): boolean {
  const { selection, mode } = k;
  const step = mode === "grid" ? columns : 1;
  const to = (index: number) => selection.moveFocus(index, e.shiftKey);
  if (key === "ArrowDown") to(selection.focus + step);
  else if (key === "ArrowUp") to(selection.focus - step);
  else if (key === "ArrowRight" && mode === "grid") to(selection.focus + 1);
  else if (key === "ArrowLeft" && mode === "grid") to(selection.focus - 1);
  else if (key === "Home") to(0);
  else if (key === "End") to(k.files.length - 1);
  else return false;
  return true;
}

/** Runs what `key` does to the focused row or the selection; false when it does nothing. */
function command(k: ListKeys, key: string, e: KeyboardEvent): boolean {
  const { selection, fs } = k;
  const ctrl = e.ctrlKey || e.metaKey;
  const onRow = (e.target as HTMLElement).hasAttribute("data-focus-target");
  const focused = k.files[selection.focus];
  if (key === " " && onRow) selection.click(selection.focus, { toggle: true });
  else if (key === "Enter" && onRow && e.altKey && focused) k.runAction("info", [focused]);
  else if (key === "Enter" && onRow && focused) k.open(focused);
  else if (key === "Delete") k.runAction(fs === "trash" ? "deleteForever" : "delete");
  else if (key === "F2") k.runAction("rename");
  else if (ctrl && key === "a") k.selectAll();
  else if (key === "Escape" && k.dialog?.kind === "info") k.closeDialog();
  else if (key === "Escape" && selection.selected.size) selection.clear();
  else if (ctrl && (key === "c" || key === "x") && fs === "my" && selection.chosen.length) {
    k.keep(selection.chosen, key === "x");
  } else if (ctrl && key === "v") k.paste();
  else if (key === "Backspace") k.up();
  else if (key === "ContextMenu" || (key === "F10" && e.shiftKey)) {
    const row = document.querySelector(`[data-index="${selection.focus}"]`);
    const box = row?.getBoundingClientRect();
    if (focused && box) {
      selection.ensure(selection.focus);
      k.openMenu({ x: box.left + 48, y: box.bottom });
    }
  } else return false;
  return true;
}

/** The list's key handler; `columns` is the grid's row length. */
export function useListKeys(k: ListKeys) {
  return (e: KeyboardEvent, columns: number) => {
    const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    if (moveFocus(k, key, e, columns) || command(k, key, e)) {
      e.preventDefault();
      e.stopPropagation();
    }
  };
}

/**
 * The explorer's keys for the folder on screen: the list's handler, and Ctrl+V on the page.
 * A folder opened with Enter or left with Backspace raises `refocus`, which the list is given,
 * so the next folder's list takes the keyboard focus (keyNav.ts).
 */
export function useFolderKeys(
  f: FolderState,
  h: ReturnType<typeof useExplorerHandle>,
  dialogs: ExplorerDialogState,
  openMenu: (at: { x: number; y: number }) => void,
): { onKeyDown: ReturnType<typeof useListKeys>; refocus: Refocus } {
  const { files, selection, parsed, searching } = f;
  const refocus = useRef(false);
  usePasteShortcut(h.paste);
  const onKeyDown = useListKeys({
    files,
    selection,
    mode: f.view.mode,
    fs: f.fs,
    dialog: dialogs.dialog,
    closeDialog: dialogs.close,
    open: (file) => {
      if (file.type === FOLDER) refocus.current = true;
      h.open(file);
    },
    runAction: (id, chosen = selection.chosen) => h.runAction(id, chosen),
    selectAll: f.select.selectAll,
    keep: h.keep,
    paste: h.paste,
    up: () => {
      const crumbs = parsed ? ancestors(parsed) : [];
      const target = searching ? searching.folder : crumbs[crumbs.length - 2];
      if (!target) return;
      refocus.current = true;
      h.goTo(target);
    },
    openMenu,
  });
  return { onKeyDown, refocus };
}
