// The dialogs the explorer's actions open on the folder: new folder or file, rename, delete
// (to the trash or for good), empty the trash, and move or copy.
import { lazy, Suspense } from "react";
import { useTranslation } from "react-i18next";
import {
  createFile,
  createFolder,
  deleteFiles,
  emptyTrash,
  renameFile,
} from "../../../api/files/files";
import { ConfirmDialog } from "../../../components/ConfirmDialog";
import type { ExplorerDialog } from "../actions";
import { moveUndoable } from "../move/moveUndo";
import { NameDialog } from "./NameDialog";

// Opened now and then: loaded when first opened, to keep the explorer's first load small.
const MoveDialog = lazy(() => import("./MoveDialog"));

export function ExplorerDialogs({
  dialog,
  folder,
  moveFrom,
  guard,
  run,
  clearSelection,
  onClose,
}: {
  dialog: ExplorerDialog | null;
  folder: string;
  /** Where the move dialog starts: the folder, or the searched folder of a search. */
  moveFrom: string;
  /** Runs a change; a lock conflict opens the lock dialog. */
  guard: (change: () => Promise<void>) => Promise<void>;
  /** The same, with other failures shown as a notification. */
  run: (change: () => Promise<void>) => Promise<void>;
  clearSelection: () => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  return (
    <>
      {(dialog?.kind === "newFolder" || dialog?.kind === "newFile") && (
        <NewItemDialog key={dialog.kind} folder={folder} kind={dialog.kind} onClose={onClose} />
      )}
      {dialog?.kind === "rename" && (
        <NameDialog
          title={t("explorer.renameTitle", { name: dialog.file.name })}
          label={t("explorer.newName")}
          initial={dialog.file.name}
          submitLabel={t("explorer.action.rename")}
          onSubmit={(name) => {
            const file = dialog.file;
            return guard(() => renameFile(folder, file.path, name));
          }}
          onClose={onClose}
        />
      )}
      {dialog?.kind === "delete" && (
        <DeleteDialog
          dialog={dialog}
          onConfirm={() => {
            const uris = dialog.files.map((f) => f.path);
            clearSelection();
            return guard(() => deleteFiles(folder, uris, dialog.forever));
          }}
          onClose={onClose}
        />
      )}
      {dialog?.kind === "emptyTrash" && (
        <ConfirmDialog
          title={t("explorer.emptyTrashTitle")}
          message={t("explorer.emptyTrashBody")}
          confirmLabel={t("explorer.emptyTrash")}
          onConfirm={() => guard(emptyTrash)}
          onClose={onClose}
        />
      )}
      <Suspense>
        {dialog?.kind === "move" && (
          <MoveDialog
            files={dialog.files}
            copy={dialog.copy}
            start={moveFrom}
            onSubmit={(dst) => {
              const uris = dialog.files.map((f) => f.path);
              clearSelection();
              return run(() => moveUndoable(uris, dst, dialog.copy));
            }}
            onClose={onClose}
          />
        )}
      </Suspense>
    </>
  );
}

/** A new folder or file in `folder`, named in the dialog. */
function NewItemDialog({
  folder,
  kind,
  onClose,
}: {
  folder: string;
  kind: "newFolder" | "newFile";
  onClose: () => void;
}) {
  const { t } = useTranslation();
  return kind === "newFolder" ? (
    <NameDialog
      title={t("explorer.newFolder")}
      label={t("explorer.folderName")}
      initial=""
      submitLabel={t("common.create")}
      onSubmit={(name) => createFolder(folder, name)}
      onClose={onClose}
    />
  ) : (
    <NameDialog
      title={t("explorer.newFile")}
      label={t("explorer.fileName")}
      initial=""
      submitLabel={t("common.create")}
      onSubmit={(name) => createFile(folder, name)}
      onClose={onClose}
    />
  );
}

/** Asks before files go to the trash, or (`forever`) are deleted for good. */
function DeleteDialog({
  dialog,
  onConfirm,
  onClose,
}: {
  dialog: Extract<ExplorerDialog, { kind: "delete" }>;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { files, forever } = dialog;
  return (
    <ConfirmDialog
      title={t(forever ? "explorer.deleteForeverTitle" : "explorer.deleteTitle")}
      message={
        files.length === 1
          ? t(forever ? "explorer.deleteForeverBody" : "explorer.deleteBody", {
              name: files[0]?.name,
            })
          : t(forever ? "explorer.deleteForeverMany" : "explorer.deleteMany", {
              count: files.length,
            })
      }
      confirmLabel={t(forever ? "explorer.deleteForever" : "explorer.action.delete")}
      onConfirm={onConfirm}
      onClose={onClose}
    />
  );
}
