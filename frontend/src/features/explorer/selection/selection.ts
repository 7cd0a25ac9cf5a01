// Which rows are selected and which one has the keyboard focus: click, ctrl/cmd-click toggles,
// shift-click and shift-arrows select a range from the anchor, select all, clear. Kept by file
// path so a selection survives the next page arriving; dropped when the folder changes.
import { useCallback, useEffect, useMemo, useState } from "react";
import type { FileInfo } from "../../../api/client";

export type Selection = {
  selected: Set<string>;
  /** Index of the row with the keyboard focus. */
  focus: number;
  chosen: FileInfo[];
  click: (index: number, mods: { shift?: boolean; toggle?: boolean }) => void;
  moveFocus: (index: number, shift: boolean) => void;
  /** Moves the focus without changing the selection (Tab, a mouse press). */
  focusOnly: (index: number) => void;
  selectAll: () => void;
  clear: () => void;
  /** Selects just this row, unless it is already part of the selection (right-click, drag). */
  ensure: (index: number) => void;
};

export function useSelection(files: FileInfo[], folder: string): Selection {
  const [selected, setSelected] = useState<Set<string>>(() => new Set());
  const [focus, setFocus] = useState(0);
  const [anchor, setAnchor] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new folder starts unselected
  useEffect(() => {
    setSelected(new Set());
    setFocus(0);
    setAnchor(0);
  }, [folder]);

  const range = useCallback(
    (from: number, to: number) => {
      const [a, b] = from < to ? [from, to] : [to, from];
      return new Set(files.slice(a, b + 1).map((f) => f.path));
    },
    [files],
  );

  const click = useCallback(
    (index: number, mods: { shift?: boolean; toggle?: boolean }) => {
      const file = files[index];
      if (!file) return;
      setFocus(index);
      if (mods.shift) {
        setSelected(range(anchor, index));
        return;
      }
      setAnchor(index);
      if (mods.toggle) {
        setSelected((old) => {
          const next = new Set(old);
          if (next.has(file.path)) next.delete(file.path);
          else next.add(file.path);
          return next;
        });
      } else setSelected(new Set([file.path]));
    },
    [files, anchor, range],
  );

  const moveFocus = useCallback(
    (index: number, shift: boolean) => {
      const clamped = Math.max(0, Math.min(files.length - 1, index));
      const file = files[clamped];
      if (!file) return;
      setFocus(clamped);
      if (shift) setSelected(range(anchor, clamped));
      else {
        setAnchor(clamped);
        setSelected(new Set([file.path]));
      }
    },
    [files, anchor, range],
  );

  const focusOnly = useCallback((index: number) => setFocus(index), []);
  const selectAll = useCallback(() => setSelected(new Set(files.map((f) => f.path))), [files]);
  const clear = useCallback(() => setSelected(new Set()), []);
  const ensure = useCallback(
    (index: number) => {
      const file = files[index];
      if (!file || selected.has(file.path)) return;
      setFocus(index);
      setAnchor(index);
      setSelected(new Set([file.path]));
    },
    [files, selected],
  );

  const chosen = useMemo(() => files.filter((f) => selected.has(f.path)), [files, selected]);
  return { selected, focus, chosen, click, moveFocus, focusOnly, selectAll, clear, ensure };
}
