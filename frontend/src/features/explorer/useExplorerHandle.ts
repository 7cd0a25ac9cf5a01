// What the explorer lets actions do (actions.ts `ExplorerHandle`): open a folder or file, show a
// dialog, run a change, keep a clipboard; and the explorer's own uses of it: run an action by
// id (the keyboard) and paste.
import { notifications } from "@mantine/notifications";
import { useNavigate } from "@tanstack/react-router";
import { useCallback, useState } from "react";
import type { FileInfo } from "../../api/client";
import { FOLDER } from "../../api/files/listing";
import { followSaved, savedTarget } from "../../api/sharing/savedShares";
import i18n from "../../i18n";
import { downloadFiles } from "../../lib/downloads";
import { notifyError } from "../../lib/errors";
import {
  type ActionContext,
  type Clipboard,
  type ExplorerDialog,
  type ExplorerHandle,
  getAction,
  mayRun,
  tryOpeners,
} from "./actions";
import { moveUndoable } from "./move/moveUndo";

/** What was cut or copied, for a paste in another folder; kept while the tab lives. */
let clipboard: Clipboard | null = null;

type Folder = {
  path: string;
  fs: string;
  searching: boolean;
  /** Files may be added to the folder (a folder shared for viewing may not). */
  writable: boolean;
  /** The folder's files loaded so far (an image's siblings in the gallery). */
  files: FileInfo[];
  show: (dialog: ExplorerDialog) => void;
  run: (change: () => Promise<void>) => Promise<void>;
};

export function useExplorerHandle({ path, fs, searching, writable, files, show, run }: Folder) {
  const navigate = useNavigate();
  const [, setClip] = useState<Clipboard | null>(clipboard);
  const goTo = (uri: string) => navigate({ to: "/home", search: { path: uri } });

  const handle: ExplorerHandle = {
    open: (file) => open(file),
    show,
    run,
    clipboard,
    setClipboard: (clip) => {
      clipboard = clip;
      setClip(clip);
    },
  };
  const ctxFor = (chosen: FileInfo[]): ActionContext => ({
    folder: path,
    fs,
    files: chosen,
    explorer: handle,
  });

  function open(file: FileInfo) {
    if (savedTarget(file)) {
      // A saved share: its folder opens in the explorer, its file in a viewer.
      followSaved(file)
        .then((target) => (target.type === FOLDER ? goTo(target.path) : openFile(target, [target])))
        .catch(notifyError);
      return;
    }
    if (file.type === FOLDER) {
      goTo(file.path);
      return;
    }
    if (fs === "trash") return;
    openFile(file, files);
  }

  function openFile(file: FileInfo, siblings: FileInfo[]) {
    if (!tryOpeners(file, ctxFor([file]), siblings)) downloadFiles([file]);
  }

  // The keyboard runs only what the menus offer (actions.ts `mayRun`).
  const runAction = (id: string, chosen: FileInfo[]) => {
    const action = getAction(id);
    const c = ctxFor(chosen);
    if (action && mayRun(action, c)) void action.run(c);
  };

  /** Ctrl+C and Ctrl+X: a cut of what may not be moved (shared for viewing) is a copy. */
  const keep = (chosen: FileInfo[], cut: boolean) => {
    if (fs !== "my" || !chosen.length) return;
    const movable = cut && mayRun(getAction("move"), ctxFor(chosen));
    if (cut && !movable) notifications.show({ message: i18n.t("explorer.cutAsCopy") });
    handle.setClipboard({ uris: chosen.map((f) => f.path), cut: movable });
  };

  const paste = useCallback(() => {
    const clip = clipboard;
    if (!clip || fs !== "my" || searching) return;
    if (!writable) {
      notifications.show({ color: "red", message: i18n.t("explorer.readOnlyHere") });
      return;
    }
    const dst = path;
    void run(async () => {
      await moveUndoable(clip.uris, dst, !clip.cut);
      if (clip.cut) {
        clipboard = null;
        setClip(null);
      }
    });
  }, [fs, searching, writable, path, run]);

  return { handle, ctxFor, open, runAction, keep, paste, goTo };
}
