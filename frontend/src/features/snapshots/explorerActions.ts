// The explorer's snapshot actions: on a folder of my files (its row menu, and the toolbar's menu
// for the folder on screen), take a snapshot and open its snapshot list; inside a snapshot, copy
// the chosen files back into my files.
import { IconCamera, IconCopy, IconHistory } from "@tabler/icons-react";
import type { FileInfo } from "../../api/client";
import { FOLDER } from "../../api/files/listing";
import { getSession } from "../../api/session";
import { savedTarget } from "../../api/sharing/savedShares";
import i18n from "../../i18n";
import { type ActionContext, registerAction } from "../explorer/actions";
import { canSnapshot } from "./permissions";
import { openSnapshotDialog, type SnapshotFolder } from "./store";

/** One folder of my files (not a saved share), with the group allowing snapshots. */
const oneFolder = (ctx: ActionContext) =>
  ctx.fs === "my" &&
  !ctx.folder.includes("?") &&
  ctx.files.length === 1 &&
  ctx.files[0]?.type === FOLDER &&
  !savedTarget(ctx.files[0]) &&
  canSnapshot(getSession()?.user);

export function snapshotFolder(file: FileInfo): SnapshotFolder {
  return { uri: file.path, name: file.name || i18n.t("nav.root.my") };
}

registerAction({
  id: "takeSnapshot",
  labelKey: "snapshot.take.action",
  icon: IconCamera,
  order: 45,
  folderMenu: true,
  applies: oneFolder,
  run: (ctx) => {
    const file = ctx.files[0];
    if (file) openSnapshotDialog({ kind: "take", folder: snapshotFolder(file) });
  },
});

registerAction({
  id: "snapshots",
  labelKey: "snapshot.listAction",
  icon: IconHistory,
  order: 46,
  folderMenu: true,
  applies: oneFolder,
  run: (ctx) => {
    const file = ctx.files[0];
    if (file) openSnapshotDialog({ kind: "list", folder: snapshotFolder(file) });
  },
});

registerAction({
  id: "copyOutOfSnapshot",
  labelKey: "snapshot.copyOut",
  icon: IconCopy,
  order: 31,
  toolbar: true,
  applies: (ctx) => ctx.fs === "snapshot" && ctx.files.length > 0,
  run: (ctx) => ctx.explorer.show({ kind: "move", files: ctx.files, copy: true }),
});
