// Selection on a touch screen, without swiping: holding a finger on an item selects it; once
// something is selected, taps toggle items in and out (FileItem). A finger that moves (a scroll)
// or lifts early is not a long press.
import type { PointerEvent } from "react";

const HOLD_MS = 500;
/** How far a finger may wander, in CSS pixels, and still be holding still. */
const SLOP = 10;

// One finger presses at a time, so the press in progress is kept here rather than per row.
let press: { timer: number; x: number; y: number } | null = null;
let fired = false;

function cancel() {
  if (press) window.clearTimeout(press.timer);
  press = null;
}

/** Pointer handlers for an item: `onLongPress` runs once a touch has held still long enough. */
export function longPressHandlers(onLongPress: () => void) {
  return {
    onPointerDown: (e: PointerEvent) => {
      cancel();
      fired = false;
      if (e.pointerType === "mouse") return;
      const timer = window.setTimeout(() => {
        press = null;
        fired = true;
        navigator.vibrate?.(10);
        onLongPress();
      }, HOLD_MS);
      press = { timer, x: e.clientX, y: e.clientY };
    },
    onPointerMove: (e: PointerEvent) => {
      if (press && Math.hypot(e.clientX - press.x, e.clientY - press.y) > SLOP) cancel();
    },
    onPointerUp: cancel,
    // The browser took the touch over (a scroll, a pinch).
    onPointerCancel: cancel,
  };
}

/**
 * Whether the touch that just ended was a long press: the click or context menu the browser
 * sends after it is then not a tap of its own.
 */
export function endedLongPress(): boolean {
  return fired;
}

/** A screen driven by touch (no hover, a coarse pointer): rows are not dragged there. */
export const TOUCH_FIRST =
  typeof window !== "undefined" &&
  window.matchMedia?.("(hover: none) and (pointer: coarse)").matches;
