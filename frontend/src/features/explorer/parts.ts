// What the shell adds to the explorer from other features (app/ExplorerPage.tsx), so that the
// explorer names none of them: a banner over a folder, buttons where files can be added, and
// the page-wide drop zone.
import type { ReactNode } from "react";

/** The folder on screen, as the parts see it. */
export type PartTarget = {
  /** Its URI. */
  folder: string;
  fs: string;
  /** The id in the URI (a share's or a snapshot's), if any. */
  id?: string;
  /** The storage policy new files go to, once the listing said. */
  policyId?: string;
  /** Its name, for "drop to upload to …". */
  folderName: string;
};

export type ExplorerParts = {
  banner?: (at: PartTarget) => ReactNode;
  /** Drawn after "new folder" where files can be added (my files, not a search). */
  addButtons?: (at: PartTarget) => ReactNode;
  /** Drawn once where files can be added. */
  dropZone?: (at: PartTarget) => ReactNode;
};
