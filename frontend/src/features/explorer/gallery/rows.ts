// The gallery's virtual lines and keys: the lines in view (TanStack Virtual, as the list), the
// next page fetched when its last line comes into view, the focused photo kept in view, and
// the arrows moving by photo (left, right) and by row (up, down, to the nearest photo).
import { useVirtualizer } from "@tanstack/react-virtual";
import { type KeyboardEvent, type RefObject, useEffect, useRef } from "react";
import type { FileListProps } from "../list/FileItem";
import { type GalleryLine, locate, verticalNeighbour } from "./layout";

/** The grid's card width (FileList.tsx), where cards sit among the gallery's lines. */
export const CARD_WIDTH = 168;

export function useGalleryRows(
  props: FileListProps,
  scroller: RefObject<HTMLDivElement | null>,
  lines: GalleryLine[],
) {
  const { files, hasMore, loadingMore, loadMore, selection } = props;
  const rows = useVirtualizer({
    count: lines.length + (hasMore ? 1 : 0),
    getScrollElement: () => scroller.current,
    estimateSize: (i) => lines[i]?.height ?? 52,
    overscan: 3,
    // Room below the last row, so that the floating selection bar covers none.
    paddingEnd: 72,
  });
  // biome-ignore lint/correctness/useExhaustiveDependencies: line heights change with the layout
  useEffect(() => rows.measure(), [lines, rows]);
  const items = rows.getVirtualItems();
  const last = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    if (hasMore && !loadingMore && last >= lines.length - 1) loadMore();
  }, [hasMore, loadingMore, last, lines.length, loadMore]);

  // Keyboard focus follows the focused photo: scroll it into view, then focus its button. Only
  // when the focus moves: a thumbnail loading changes the layout, and must not scroll back.
  const focus = selection.focus;
  const shown = useRef(-1);
  useEffect(() => {
    const box = scroller.current;
    if (shown.current === focus) return;
    shown.current = focus;
    if (!box?.contains(document.activeElement) || !files[focus]) return;
    const at = locate(lines, focus, CARD_WIDTH);
    if (at) rows.scrollToIndex(at.line);
    const id = requestAnimationFrame(() => {
      box.querySelector<HTMLElement>(`[data-index="${focus}"] [data-focus-target]`)?.focus();
    });
    return () => cancelAnimationFrame(id);
  }, [focus, lines, rows, files, scroller]);

  return { rows, items };
}

/** The arrows move by photo and row here; every other key is the explorer's (useExplorerKeys). */
export function galleryKeys(e: KeyboardEvent, props: FileListProps, lines: GalleryLine[]) {
  const { selection, files } = props;
  const from = selection.focus;
  let to: number | undefined;
  if (e.key === "ArrowLeft") to = from - 1;
  else if (e.key === "ArrowRight") to = from + 1;
  else if (e.key === "ArrowUp") to = verticalNeighbour(lines, from, -1, CARD_WIDTH);
  else if (e.key === "ArrowDown") to = verticalNeighbour(lines, from, 1, CARD_WIDTH);
  else {
    props.onKeyDown(e, 1);
    return;
  }
  e.preventDefault();
  e.stopPropagation();
  if (to !== undefined && to >= 0 && to < files.length) selection.moveFocus(to, e.shiftKey);
}
