// Dragging rows onto folders (rows, breadcrumbs, the folder tree) moves them there; holding
// Ctrl (or Alt/Option) while dropping copies instead. The dragged URIs travel in a private
// data type, so files dragged in from the desktop are left to the upload drop zone.
import type { DragEvent } from "react";

const TYPE = "application/x-stratus-uris";

export function startDrag(event: DragEvent, uris: string[]) {
  event.dataTransfer.setData(TYPE, JSON.stringify(uris));
  event.dataTransfer.effectAllowed = "copyMove";
}

export type DropHandler = (uris: string[], dst: string, copy: boolean) => void;

/** Props that make an element a drop target for the folder `dst`. */
export function dropTarget(dst: string, onDrop: DropHandler, setOver?: (over: boolean) => void) {
  const ours = (event: DragEvent) => event.dataTransfer.types.includes(TYPE);
  return {
    onDragOver: (event: DragEvent) => {
      if (!ours(event)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = event.ctrlKey || event.altKey ? "copy" : "move";
      setOver?.(true);
    },
    onDragLeave: () => setOver?.(false),
    onDrop: (event: DragEvent) => {
      setOver?.(false);
      if (!ours(event)) return;
      event.preventDefault();
      event.stopPropagation();
      let uris: string[] = [];
      try {
        uris = JSON.parse(event.dataTransfer.getData(TYPE)) as string[];
      } catch {
        return;
      }
      // A folder dropped onto itself goes nowhere.
      const moving = uris.filter((u) => u !== dst);
      if (moving.length) onDrop(moving, dst, event.ctrlKey || event.altKey);
    },
  };
}
