// The explorer's task actions: compress the selection, extract an archive, download with a
// .torrent file of the drive. Each shows only in "my files" and when the group allows it.
import { IconArchive, IconCloudDownload, IconPackageExport } from "@tabler/icons-react";
import { FOLDER } from "../../api/files/listing";
import { getSession } from "../../api/session";
import { type ActionContext, registerAction } from "../explorer/actions";
import { isArchive, isTorrent } from "./names";
import { canRemoteDownload, canRunArchiveTasks } from "./permissions";
import { openTaskDialog } from "./taskDialogStore";

const mine = (ctx: ActionContext) => ctx.fs === "my";
const oneFile = (ctx: ActionContext, test: (name: string) => boolean) =>
  ctx.files.length === 1 && ctx.files[0]?.type !== FOLDER && test(ctx.files[0]?.name ?? "");

registerAction({
  id: "compress",
  labelKey: "tasks.compress.action",
  icon: IconArchive,
  order: 35,
  toolbar: true,
  applies: (ctx) => mine(ctx) && ctx.files.length > 0 && canRunArchiveTasks(getSession()?.user),
  run: (ctx) => openTaskDialog({ kind: "compress", files: ctx.files, folder: ctx.folder }),
});

registerAction({
  id: "extract",
  labelKey: "tasks.extract.action",
  icon: IconPackageExport,
  order: 36,
  applies: (ctx) => mine(ctx) && oneFile(ctx, isArchive) && canRunArchiveTasks(getSession()?.user),
  run: (ctx) => {
    const file = ctx.files[0];
    if (file) openTaskDialog({ kind: "extract", file, folder: ctx.folder });
  },
});

registerAction({
  id: "torrentDownload",
  labelKey: "tasks.download.action",
  icon: IconCloudDownload,
  order: 37,
  applies: (ctx) => mine(ctx) && oneFile(ctx, isTorrent) && canRemoteDownload(getSession()?.user),
  run: (ctx) => {
    const file = ctx.files[0];
    if (file) openTaskDialog({ kind: "download", folder: ctx.folder, torrent: file });
  },
});
