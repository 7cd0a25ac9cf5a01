// Draws the open task dialog (compress, extract, remote download); each dialog's code loads
// only when first opened.
import { lazy, Suspense } from "react";
import { closeTaskDialog, useTaskDialog } from "./taskDialogStore";

const CompressDialog = lazy(() => import("./CompressDialog"));
const ExtractDialog = lazy(() => import("./ExtractDialog"));
const RemoteDownloadDialog = lazy(() => import("./RemoteDownloadDialog"));

export function TaskDialogHost() {
  const dialog = useTaskDialog();
  if (!dialog) return null;
  return (
    <Suspense fallback={null}>
      {dialog.kind === "compress" && (
        <CompressDialog files={dialog.files} folder={dialog.folder} onClose={closeTaskDialog} />
      )}
      {dialog.kind === "extract" && (
        <ExtractDialog file={dialog.file} folder={dialog.folder} onClose={closeTaskDialog} />
      )}
      {dialog.kind === "download" && (
        <RemoteDownloadDialog
          folder={dialog.folder}
          torrent={dialog.torrent}
          onClose={closeTaskDialog}
        />
      )}
    </Suspense>
  );
}
