// Draws the open snapshot dialog (take, the folder's list, restore); each dialog's code loads only
// when first opened.
import { lazy, Suspense } from "react";
import { closeSnapshotDialog, openSnapshotDialog, useSnapshotDialog } from "./store";

const TakeDialog = lazy(() => import("./TakeDialog"));
const SnapshotsDrawer = lazy(() => import("./SnapshotsDrawer"));
const RestoreDialog = lazy(() => import("./RestoreDialog"));

export function SnapshotDialogHost() {
  const dialog = useSnapshotDialog();
  if (!dialog) return null;
  return (
    <Suspense fallback={null}>
      {dialog.kind === "take" && (
        <TakeDialog
          folder={dialog.folder}
          // Taken from the list: back to the list, which now shows it.
          onClose={() =>
            dialog.back
              ? openSnapshotDialog({ kind: "list", folder: dialog.folder })
              : closeSnapshotDialog()
          }
        />
      )}
      {dialog.kind === "list" && (
        <SnapshotsDrawer folder={dialog.folder} onClose={closeSnapshotDialog} />
      )}
      {dialog.kind === "restore" && (
        <RestoreDialog snapshot={dialog.snapshot} onClose={closeSnapshotDialog} />
      )}
    </Suspense>
  );
}
