// The explorer: breadcrumbs, search, the toolbar (view, order, new folder, upload), the selection
// bar and the folder's rows, for the URI in `?path=`. My files can be changed; the trash offers
// restore, delete for good and empty; other file systems are read only here. What can be done
// to files comes from the action registry (actions.ts), shared by the menus and the toolbar;
// what other features add to the page comes from the shell as `parts` (parts.ts).
import "./styles";
import "./builtinActions";
import { Box, Stack } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { Suspense, useState } from "react";
import type { Order } from "../../api/files/listing";
import { MY_ROOT } from "../../lib/uri";
import { ExplorerDialogHost, InfoPanel, useExplorerDialogs } from "./dialogs/ExplorerDialogHost";
import { type FolderState, useFolderState } from "./folderState";
import classes from "./list/FileList.module.css";
import { type EmptyKey, FolderContents } from "./list/FolderContents";
import { moveUndoable } from "./move/moveUndo";
import type { ExplorerParts } from "./parts";
import { ContextMenu } from "./selection/ContextMenu";
import { ExplorerToolbar } from "./toolbar/ExplorerToolbar";
import { useExplorerHandle } from "./useExplorerHandle";
import { useFolderKeys } from "./useExplorerKeys";

export default function Explorer({ parts = {} }: { parts?: ExplorerParts }) {
  const f = useFolderState();
  const { path, fs, searching, writable, files, first, selection } = f;
  const dialogs = useExplorerDialogs();
  const { dialog, show, run } = dialogs;
  const [menuAt, setMenuAt] = useState<{ x: number; y: number } | null>(null);
  const h = useExplorerHandle({ path, fs, searching: !!searching, writable, files, show, run });
  const ctx = h.ctxFor(selection.chosen);
  const keys = useFolderKeys(f, h, dialogs, setMenuAt);

  // The info panel sits beside the list where there is room, and follows a single selection.
  const wide = useMediaQuery("(min-width: 62em)") ?? true;
  const infoFile =
    dialog?.kind === "info"
      ? selection.chosen.length === 1
        ? selection.chosen[0]
        : dialog.file
      : undefined;

  const onDrop = (uris: string[], dst: string, copy: boolean) => {
    selection.clear();
    void run(() => moveUndoable(uris, dst, copy));
  };

  return (
    <Stack
      h="calc(100dvh - var(--app-shell-header-offset, 56px) - 2 * var(--mantine-spacing-md))"
      gap="sm"
      pos="relative"
    >
      {parts.banner?.(f.target)}
      <ExplorerToolbar
        folder={f}
        folderCtx={
          fs === "my" && !searching && first?.parent ? h.ctxFor([first.parent]) : undefined
        }
        addButtons={f.writable && parts.addButtons?.(f.target)}
        show={show}
        run={run}
        onDrop={onDrop}
      />
      <Box className={classes.body}>
        <FolderContents
          {...contentsProps(f)}
          ctx={ctx}
          list={{
            ...listProps(f),
            onOpen: h.open,
            onMenu: (_, at) => setMenuAt(at),
            onDrop,
            ...keys,
          }}
        />
        {wide && infoFile && (
          <Suspense>
            <InfoPanel
              side
              file={infoFile}
              folder={path}
              owned={f.owned}
              run={run}
              onClose={dialogs.close}
            />
          </Suspense>
        )}
      </Box>
      <ContextMenu at={menuAt} ctx={ctx} onClose={() => setMenuAt(null)} />
      {f.writable && parts.dropZone?.(f.target)}
      <ExplorerDialogHost
        dialogs={dialogs}
        folder={path}
        // Out of a snapshot, copies go to my files.
        moveFrom={fs === "snapshot" ? MY_ROOT : (searching?.folder ?? path)}
        owned={f.owned}
        clearSelection={selection.clear}
        drawerInfo={wide ? undefined : infoFile}
      />
    </Stack>
  );
}

/** What the rows are told of the folder's state. */
function contentsProps({
  files,
  listing,
  complete,
  searching,
  fs,
  parsed,
  select,
  selection,
}: FolderState) {
  const emptyKey: EmptyKey = searching
    ? "explorer.search.none"
    : fs === "trash"
      ? "explorer.trashEmpty"
      : fs === "shared_with_me"
        ? "explorer.sharedEmpty"
        : "explorer.empty";
  return {
    files,
    status: {
      pending: listing.isPending,
      failed: listing.isError,
      error: listing.error,
      complete,
      // In another owner's drive, what is gone was taken back (or trashed by its owner).
      goneKey: fs === "my" && parsed?.id ? ("explorer.noLongerShared" as const) : undefined,
    },
    emptyKey,
    selectingAll: select.selectingAll,
    onSelectAll: select.selectAll,
    onClearSelection: () => {
      select.stop();
      selection.clear();
    },
  };
}

/** How the list draws the rows. */
function listProps({
  listing,
  loadMore,
  view,
  selection,
  fs,
  searching,
  movable,
  propColumns,
  setView,
}: FolderState) {
  return {
    hasMore: !!listing.hasNextPage,
    loadingMore: listing.isFetchingNextPage,
    loadMore,
    mode: view.mode,
    selection,
    movable,
    showParent: !!searching,
    trash: fs === "trash",
    propColumns,
    propIds: view.props,
    onPropIds: (props: string[]) => setView({ props }),
    order: { order_by: view.order_by, order_direction: view.order_direction },
    onSort: (order: Order) => setView(order),
  };
}
