// The explorer's task actions: compress the selection, extract an archive, download with a
// .torrent file of the drive. Each shows only in "my files" and when the group allows it.
import { IconArchive, IconCloudDownload, IconPackageExport } from "@tabler/icons-react";
import { getSession } from "../api/session";
import { type ActionContext, registerAction } from "../pages/explorer/actions";
import { FOLDER } from "../pages/explorer/listing";
import { canRemoteDownload, canRunArchiveTasks } from "./permissions";
import { openTaskDialog } from "./taskDialogStore";

/** Archives the server extracts (spec §2.6). */
const ARCHIVE = /\.(zip|7z|rar|tar|tgz|tar\.gz|tar\.bz2|tbz2|tar\.xz|txz|tar\.zst)$/i;

const mine = (ctx: ActionContext) => ctx.fs === "my";
const oneFile = (ctx: ActionContext, pattern: RegExp) =>
  ctx.files.length === 1 && ctx.files[0]?.type !== FOLDER && pattern.test(ctx.files[0]?.name ?? "");

export const isArchive = (name: string) => ARCHIVE.test(name);

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
  applies: (ctx) => mine(ctx) && oneFile(ctx, ARCHIVE) && canRunArchiveTasks(getSession()?.user),
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
  applies: (ctx) =>
    mine(ctx) && oneFile(ctx, /\.torrent$/i) && canRemoteDownload(getSession()?.user),
  run: (ctx) => {
    const file = ctx.files[0];
    if (file) openTaskDialog({ kind: "download", folder: ctx.folder, torrent: file });
  },
});
