// The folder tree's keys, as the WAI-ARIA tree pattern has them: arrows move between the
// visible items, Right and Left open and close (or step in and out), Home and End go to the
// ends, Enter and Space open the folder.
import type { KeyboardEvent } from "react";

export function treeKeyDown(
  e: KeyboardEvent<HTMLDivElement>,
  open: boolean,
  setOpen: (open: boolean) => void,
  go: () => void,
) {
  if (e.target !== e.currentTarget) return;
  const item = e.currentTarget;
  const all = [
    ...(item.closest('[role="tree"]')?.querySelectorAll<HTMLElement>('[role="treeitem"]') ?? []),
  ];
  const at = all.indexOf(item);
  const focus = (el?: Element | null) => (el as HTMLElement | null | undefined)?.focus();
  switch (e.key) {
    case "ArrowDown":
      focus(all[at + 1]);
      break;
    case "ArrowUp":
      focus(all[at - 1]);
      break;
    case "Home":
      focus(all[0]);
      break;
    case "End":
      focus(all.at(-1));
      break;
    case "ArrowRight":
      if (!open) setOpen(true);
      else focus(item.querySelector('[role="treeitem"]'));
      break;
    case "ArrowLeft":
      if (open) setOpen(false);
      else focus(item.parentElement?.closest('[role="treeitem"]'));
      break;
    case "Enter":
    case " ":
      go();
      break;
    default:
      return;
  }
  e.preventDefault();
  e.stopPropagation();
}
