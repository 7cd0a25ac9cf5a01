// What a row of the file list does when clicked, pressed, dragged or dropped on: one object for
// every row of a list, whose handlers read the list's props as they are when the event comes.
// Rows keep the same handlers across renders, so their memoisation holds (FileItem.tsx).
import { type DragEvent, type MouseEvent, type RefObject, useMemo, useRef } from "react";
import type { FileInfo } from "../../../api/client";
import { type DropHandler, startDrag } from "../move/dnd";
import { endedLongPress } from "../selection/longPress";
import type { Selection } from "../selection/selection";

/** What the handlers read of the list's props (FileItem's ListProps). */
type ListProps = {
  files: FileInfo[];
  selection: Selection;
  onOpen: (file: FileInfo) => void;
  onMenu: (index: number, at: { x: number; y: number }) => void;
  onDrop: DropHandler;
};

export type RowActions = {
  /** A click selects (shift: a range, ctrl: one more); on a touch screen a tap opens or toggles. */
  click: (e: MouseEvent, index: number) => void;
  open: (index: number) => void;
  /** The context menu at the pointer. */
  menu: (e: MouseEvent, index: number) => void;
  /** The actions button: the menu below it. */
  menuButton: (e: MouseEvent<HTMLElement>, index: number) => void;
  toggle: (index: number) => void;
  focusOnly: (index: number) => void;
  longPress: (index: number) => void;
  dragStart: (e: DragEvent, index: number) => void;
  drop: DropHandler;
};

export function useRowActions(props: ListProps): RowActions {
  const latest = useRef(props);
  latest.current = props;
  return useMemo(() => rowActions(latest), []);
}

/**
 * On a touch screen a tap opens, as there is no double tap, a long press selects, and while
 * anything is selected a tap toggles.
 */
function rowActions(latest: RefObject<ListProps>): RowActions {
  const props = () => latest.current;
  return {
    click: (e, index) => {
      if (endedLongPress()) return;
      const { selection, files, onOpen } = props();
      if ((e.nativeEvent as PointerEvent).pointerType === "touch") {
        const file = files[index];
        if (selection.selected.size) selection.click(index, { toggle: true });
        else if (file) onOpen(file);
        return;
      }
      selection.click(index, { shift: e.shiftKey, toggle: e.ctrlKey || e.metaKey });
    },
    open: (index) => {
      const file = props().files[index];
      if (file) props().onOpen(file);
    },
    menu: (e, index) => {
      e.preventDefault();
      // The menu a held finger brings up on some phones: the long press already selected.
      if (endedLongPress()) return;
      props().selection.ensure(index);
      props().onMenu(index, { x: e.clientX, y: e.clientY });
    },
    menuButton: (e, index) => {
      e.stopPropagation();
      props().selection.ensure(index);
      const box = e.currentTarget.getBoundingClientRect();
      props().onMenu(index, { x: box.left, y: box.bottom });
    },
    toggle: (index) => props().selection.click(index, { toggle: true }),
    focusOnly: (index) => props().selection.focusOnly(index),
    longPress: (index) => {
      const { selection, files } = props();
      const file = files[index];
      if (file && !selection.selected.has(file.path)) selection.click(index, { toggle: true });
    },
    dragStart: (e, index) => {
      const { selection, files } = props();
      const file = files[index];
      if (!file) return;
      const uris = selection.selected.has(file.path)
        ? selection.chosen.map((f) => f.path)
        : [file.path];
      startDrag(e, uris);
    },
    drop: (uris, dst, copy) => props().onDrop(uris, dst, copy),
  };
}
