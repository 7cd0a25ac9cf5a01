//! The viewer's one open editor with changes not yet saved, so that closing the viewer (Esc, ✕)
//! can ask first. The editor registers itself while it is dirty and clears itself on unmount.

export type Unsaved = {
  name: string;
  /** Saves the changes; false when the save failed (then the viewer stays open). */
  save: () => Promise<boolean>;
};

let current: Unsaved | null = null;

export function setUnsaved(next: Unsaved | null) {
  current = next;
}

export function unsavedChanges(): Unsaved | null {
  return current;
}
