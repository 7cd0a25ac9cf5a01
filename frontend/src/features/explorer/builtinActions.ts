// The explorer's own actions, registered once when the explorer chunk loads.
import {
  IconArrowRight,
  IconCopy,
  IconDownload,
  IconFolderOpen,
  IconInfoCircle,
  IconPencil,
  IconPin,
  IconRestore,
  IconTrash,
  IconTrashX,
} from "@tabler/icons-react";
import { addPin } from "../../api/account/me";
import { restoreFiles } from "../../api/files/files";
import { followSaved } from "../../api/sharing/savedShares";
import { downloadFiles } from "../../lib/downloads";
import { notifyError } from "../../lib/errors";
import { type ActionContext, CAP, registerAction } from "./actions";
import { FOLDER } from "./list/FileList";

const one = (ctx: ActionContext) => ctx.files.length === 1;
const mine = (ctx: ActionContext) => ctx.fs === "my";
const isFolder = (ctx: ActionContext) => ctx.files[0]?.type === FOLDER;

registerAction({
  id: "open",
  labelKey: "explorer.action.open",
  icon: IconFolderOpen,
  order: 0,
  shortcut: "Enter",
  applies: (ctx) => one(ctx) && ctx.fs !== "trash",
  run: (ctx) => {
    const file = ctx.files[0];
    if (file) ctx.explorer.open(file);
  },
});

registerAction({
  id: "download",
  labelKey: "explorer.action.download",
  icon: IconDownload,
  order: 10,
  toolbar: true,
  // One file goes straight to the browser; several, or a folder, as one zip (lib/downloads/).
  applies: (ctx) => ctx.files.length > 0 && ctx.fs !== "trash",
  // Saved shares download what they lead to.
  run: (ctx) => Promise.all(ctx.files.map(followSaved)).then(downloadFiles, notifyError),
});

registerAction({
  id: "rename",
  labelKey: "explorer.action.rename",
  icon: IconPencil,
  order: 20,
  toolbar: true,
  shortcut: "F2",
  needs: [CAP.rename],
  applies: (ctx) => one(ctx) && mine(ctx),
  run: (ctx) => {
    const file = ctx.files[0];
    if (file) ctx.explorer.show({ kind: "rename", file });
  },
});

registerAction({
  id: "move",
  labelKey: "explorer.action.move",
  icon: IconArrowRight,
  order: 30,
  toolbar: true,
  needs: [CAP.rename],
  applies: mine,
  run: (ctx) => ctx.explorer.show({ kind: "move", files: ctx.files, copy: false }),
});

registerAction({
  id: "copy",
  labelKey: "explorer.action.copy",
  icon: IconCopy,
  order: 31,
  toolbar: true,
  applies: mine,
  run: (ctx) => ctx.explorer.show({ kind: "move", files: ctx.files, copy: true }),
});

registerAction({
  id: "pin",
  labelKey: "explorer.action.pin",
  icon: IconPin,
  order: 40,
  // A snapshot's folders are reached through its banner and the folder's snapshot list.
  applies: (ctx) => one(ctx) && isFolder(ctx) && ctx.fs !== "trash" && ctx.fs !== "snapshot",
  run: (ctx) =>
    ctx.explorer.run(async () => {
      const file = ctx.files[0];
      if (!file) return;
      await addPin(file.path, file.name);
    }),
});

registerAction({
  id: "info",
  labelKey: "explorer.action.info",
  icon: IconInfoCircle,
  order: 50,
  shortcut: "Alt+Enter",
  applies: (ctx) => one(ctx) && ctx.fs !== "shared_with_me",
  run: (ctx) => {
    const file = ctx.files[0];
    if (file) ctx.explorer.show({ kind: "info", file });
  },
});

registerAction({
  id: "restore",
  labelKey: "explorer.action.restore",
  icon: IconRestore,
  order: 60,
  toolbar: true,
  applies: (ctx) => ctx.fs === "trash",
  run: (ctx) =>
    ctx.explorer.run(() =>
      restoreFiles(
        ctx.folder,
        ctx.files.map((f) => f.path),
      ),
    ),
});

registerAction({
  id: "delete",
  labelKey: "explorer.action.delete",
  icon: IconTrash,
  order: 90,
  danger: true,
  toolbar: true,
  shortcut: "Delete",
  needs: [CAP.trash],
  applies: mine,
  run: (ctx) => ctx.explorer.show({ kind: "delete", files: ctx.files, forever: false }),
});

registerAction({
  id: "deleteForever",
  labelKey: "explorer.action.deleteForever",
  icon: IconTrashX,
  order: 91,
  danger: true,
  toolbar: true,
  applies: (ctx) => ctx.fs === "trash",
  run: (ctx) => ctx.explorer.show({ kind: "delete", files: ctx.files, forever: true }),
});
