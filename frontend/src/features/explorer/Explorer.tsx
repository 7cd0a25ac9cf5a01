// The explorer: breadcrumbs, search, the toolbar (view, order, new folder, upload), the selection
// bar and the folder's rows, for the URI in `?path=`. My files can be changed; the trash offers
// restore, delete for good and empty; other file systems are read only here. What can be done
// to files comes from the action registry (actions.ts), shared by the menus and the toolbar;
// what other features add to the page comes from the shell as `parts` (parts.ts).
import "./styles";
import "./builtinActions";
import { Box, Stack } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { useNavigate, useSearch } from "@tanstack/react-router";
import { Suspense, useCallback, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import type { FileInfo } from "../../api/client";
import { FOLDER, useListing } from "../../api/listing";
import { followSaved, savedTarget } from "../../api/savedShares";
import { downloadFiles } from "../../lib/downloads";
import { notifyError } from "../../lib/errors";
import { ancestors, MY_ROOT, parseUri } from "../../lib/uri";
import {
  type ActionContext,
  type Clipboard,
  type ExplorerHandle,
  getAction,
  tryOpeners,
} from "./actions";
import { ContextMenu } from "./ContextMenu";
import { ExplorerDialogHost, InfoPanel, useExplorerDialogs } from "./ExplorerDialogHost";
import { ExplorerToolbar } from "./ExplorerToolbar";
import classes from "./FileList.module.css";
import { FolderContents } from "./FolderContents";
import { moveFiles } from "./operations";
import { useShownProps } from "./PropColumns";
import type { ExplorerParts, PartTarget } from "./parts";
import { parseSearch } from "./search";
import { useSelectAll } from "./selectAll";
import { useSelection } from "./selection";
import { useListKeys, usePasteShortcut } from "./useExplorerKeys";
import { fromServer, useFolderView } from "./view";

/** What was cut or copied, for a paste in another folder; kept while the tab lives. */
let clipboard: Clipboard | null = null;

/** The folder on screen: its URI parsed, and whether it is a search. */
function useFolder() {
  const { path } = useSearch({ from: "/app/home" });
  const parsed = parseUri(path);
  return { path, parsed, fs: parsed?.fs ?? "my", searching: parseSearch(path) };
}

export default function Explorer({ parts = {} }: { parts?: ExplorerParts }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { path, parsed, fs, searching } = useFolder();
  const folderView = useFolderView(path);
  const listing = useListing(path, folderView.local);
  const dialogs = useExplorerDialogs();
  const { dialog, show, run } = dialogs;
  const [menuAt, setMenuAt] = useState<{ x: number; y: number } | null>(null);
  const [, setClip] = useState<Clipboard | null>(clipboard);

  const files = useMemo(() => listing.data?.pages.flatMap((p) => p.files) ?? [], [listing.data]);
  const first = listing.data?.pages[0];
  const view = folderView.local ?? fromServer(first?.view);
  const writable = fs === "my" && !searching;
  const selection = useSelection(files, path);
  const { fetchNextPage } = listing;
  const loadMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);
  /** How many items the folder holds: exact once every page is in, else a lower bound. */
  const complete = !listing.hasNextPage;
  const select = useSelectAll(path, listing, selection.selectAll);

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
  const ctx = ctxFor(selection.chosen);
  const goTo = (uri: string) => navigate({ to: "/home", search: { path: uri } });

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

  const runAction = (id: string, chosen = selection.chosen) => {
    const action = getAction(id);
    const c = ctxFor(chosen);
    if (action?.applies(c)) void action.run(c);
  };

  const paste = useCallback(() => {
    const clip = clipboard;
    if (!clip || fs !== "my" || searching) return;
    const dst = path;
    void run(async () => {
      await moveFiles(clip.uris, dst, !clip.cut);
      if (clip.cut) {
        clipboard = null;
        setClip(null);
      }
    });
  }, [fs, searching, path, run]);
  usePasteShortcut(paste);

  const up = () => {
    const crumbs = parsed ? ancestors(parsed) : [];
    const target = searching ? searching.folder : crumbs[crumbs.length - 2];
    if (target) goTo(target);
  };

  const onKeyDown = useListKeys({
    files,
    selection,
    mode: view.mode,
    fs,
    dialog,
    closeDialog: dialogs.close,
    open,
    runAction,
    selectAll: select.selectAll,
    setClipboard: handle.setClipboard,
    paste,
    up,
    openMenu: setMenuAt,
  });

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
    void run(() => moveFiles(uris, dst, copy));
  };

  const rootName = t(`nav.root.${fs === "share" ? "share" : fs}` as "nav.root.my", {
    defaultValue: t("nav.root.my"),
  });
  const propColumns = useShownProps(view.props);
  const setView = (next: Partial<typeof view>) =>
    folderView.change({ ...view, ...next }, first?.view);
  const target: PartTarget = {
    folder: path,
    fs,
    id: parsed?.id,
    policyId: first?.storage_policy?.id,
    folderName: parsed?.segments.at(-1) ?? rootName,
  };

  return (
    <Stack
      h="calc(100dvh - var(--app-shell-header-offset, 56px) - 2 * var(--mantine-spacing-md))"
      gap="sm"
      pos="relative"
    >
      {parts.banner?.(target)}
      <ExplorerToolbar
        path={path}
        parsed={parsed}
        fs={fs}
        searching={searching}
        rootName={rootName}
        count={
          listing.isPending || listing.isError
            ? undefined
            : t(complete ? "explorer.items" : "explorer.itemsAtLeast", { count: files.length })
        }
        view={view}
        setView={setView}
        onRefresh={() => listing.refetch()}
        folderCtx={fs === "my" && !searching && first?.parent ? ctxFor([first.parent]) : undefined}
        trashFull={fs === "trash" && files.length > 0}
        writable={writable}
        addButtons={writable && parts.addButtons?.(target)}
        show={show}
        run={run}
        onDrop={onDrop}
      />

      <Box className={classes.body}>
        <FolderContents
          files={files}
          status={{
            pending: listing.isPending,
            failed: listing.isError,
            error: listing.error,
            complete,
          }}
          emptyKey={
            searching
              ? "explorer.search.none"
              : fs === "trash"
                ? "explorer.trashEmpty"
                : "explorer.empty"
          }
          ctx={ctx}
          selectingAll={select.selectingAll}
          onSelectAll={select.selectAll}
          onClearSelection={() => {
            select.stop();
            selection.clear();
          }}
          list={{
            hasMore: !!listing.hasNextPage,
            loadingMore: listing.isFetchingNextPage,
            loadMore,
            mode: view.mode,
            selection,
            movable: fs === "my",
            showParent: !!searching,
            propColumns,
            onOpen: open,
            onMenu: (_, at) => setMenuAt(at),
            onDrop,
            onKeyDown,
          }}
        />
        {wide && infoFile && (
          <Suspense>
            <InfoPanel
              side
              file={infoFile}
              folder={path}
              owned={fs === "my"}
              run={run}
              onClose={dialogs.close}
            />
          </Suspense>
        )}
      </Box>

      <ContextMenu at={menuAt} ctx={ctx} onClose={() => setMenuAt(null)} />

      {writable && parts.dropZone?.(target)}
      <ExplorerDialogHost
        dialogs={dialogs}
        folder={path}
        // Out of a snapshot, copies go to my files.
        moveFrom={fs === "snapshot" ? MY_ROOT : (searching?.folder ?? path)}
        owned={fs === "my"}
        clearSelection={selection.clear}
        drawerInfo={wide ? undefined : infoFile}
      />
    </Stack>
  );
}
