// Keyboard focus across folders. Enter on a folder or Backspace replaces the rows, and the row
// that held the focus goes with them: the page body would get it and the arrows, Enter and
// Backspace would do nothing. The key handler raises a flag before it navigates; the next
// folder's list (or its empty state) takes the focus when it is drawn and lowers the flag.
import { type RefObject, useEffect } from "react";

/** Raised by the keys that navigate, lowered by the list that takes the focus. */
export type Refocus = RefObject<boolean>;

/**
 * Focuses the first row of `box` (or `box` itself when it has none) once `ready` names a new
 * folder's contents and the keyboard asked for it.
 */
export function useTakeFocus(
  refocus: Refocus | undefined,
  box: RefObject<HTMLElement | null>,
  ready: string | undefined,
) {
  useEffect(() => {
    if (!refocus?.current || ready === undefined) return;
    // After the rows are placed (the virtualizer draws them in the frame after).
    const id = requestAnimationFrame(() => {
      const el = box.current;
      if (!el) return;
      refocus.current = false;
      const row = el.querySelector<HTMLElement>('[data-index="0"] [data-focus-target]');
      (row ?? el).focus();
    });
    return () => cancelAnimationFrame(id);
  }, [refocus, box, ready]);
}
