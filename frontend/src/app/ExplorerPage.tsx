// The explorer as the shell puts it together: the actions other features register in its
// registry (tasks, snapshots, share), the previews as the opener of files, and the parts it
// draws for them (the guard's and snapshot banners, upload and remote download buttons, the
// drop zone).
// The explorer first: its own actions come first among actions of one order.
import Explorer from "../features/explorer/Explorer";
import "../features/tasks/explorerActions";
import "../features/snapshots/explorerActions";
import "../features/shares/explorerActions";
import { registerOpener } from "../features/explorer/actions";
import type { ExplorerParts } from "../features/explorer/parts";
import { GuardBanner } from "../features/guard/GuardBanner";
import { openPreview } from "../features/previews";
import { SnapshotBanner } from "../features/snapshots/SnapshotBanner";
import { RemoteDownloadButton } from "../features/tasks/RemoteDownloadButton";
import { DropZone } from "../features/uploads/DropZone";
import { UploadButton } from "../features/uploads/UploadButton";

// A file no opener registered later takes is shown by its viewer, if it has one.
registerOpener((file, _ctx, siblings) => openPreview(file, siblings));

const parts: ExplorerParts = {
  banner: ({ fs, id }) => (
    <>
      <GuardBanner />
      {fs === "snapshot" && id && <SnapshotBanner id={id} />}
    </>
  ),
  addButtons: ({ folder, policyId }) => (
    <>
      <RemoteDownloadButton folder={folder} />
      <UploadButton folder={folder} policyId={policyId} />
    </>
  ),
  dropZone: ({ folder, policyId, folderName }) => (
    <DropZone folder={folder} policyId={policyId} folderName={folderName} />
  ),
};

export default function ExplorerPage() {
  return <Explorer parts={parts} />;
}
