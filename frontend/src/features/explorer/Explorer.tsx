// The explorer: breadcrumbs, search, the toolbar (view, order, new folder, upload), the selection
// bar and the folder's rows, for the URI in `?path=`. My files can be changed; the trash offers
// restore, delete for good and empty; other file systems are read only here. What can be done
// to files comes from the action registry (actions.ts), shared by the menus and the toolbar.
import "./styles";
import "./builtinActions";
import "../tasks/explorerActions";
import "../snapshots/explorerActions";
import {
  Alert,
  Box,
  Breadcrumbs,
  Button,
  Center,
  Group,
  Loader,
  Menu,
  Stack,
  Text,
} from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import {
  IconArrowsSort,
  IconCheck,
  IconCloudDownload,
  IconFilePlus,
  IconFolderPlus,
  IconLayoutGrid,
  IconList,
  IconPin,
  IconRefresh,
  IconTrashX,
  IconX,
} from "@tabler/icons-react";
import { useNavigate, useSearch } from "@tanstack/react-router";
import {
  type KeyboardEvent,
  lazy,
  Suspense,
  useCallback,
  useEffect,
  useMemo,
  useState,
} from "react";
import { useTranslation } from "react-i18next";
import { api, type FileInfo, unwrap } from "../../api/client";
import { FOLDER, type SortKey, useListing } from "../../api/listing";
import { queryClient } from "../../api/queryClient";
import { followSaved, savedTarget } from "../../api/savedShares";
import { useSession } from "../../api/session";
import { IconButton } from "../../components/IconButton";
import { AnchorLink } from "../../components/links";
import { downloadFiles } from "../../lib/downloads";
import { errorMessage, notifyError } from "../../lib/errors";
import { ancestors, MY_ROOT, parseUri } from "../../lib/uri";
import { openPreview } from "../previews";
import { SnapshotBanner } from "../snapshots/SnapshotBanner";
import { canRemoteDownload } from "../tasks/permissions";
import { openTaskDialog } from "../tasks/taskDialogStore";
import { DropZone } from "../uploads/DropZone";
import { UploadButton } from "../uploads/UploadButton";
import {
  type ActionContext,
  type Clipboard,
  type ExplorerDialog,
  type ExplorerHandle,
  getAction,
  tryOpeners,
} from "./actions";
import { ContextMenu } from "./ContextMenu";
import { dropTarget } from "./dnd";
import { ExplorerDialogs } from "./ExplorerDialogs";
import { FileList } from "./FileList";
import classes from "./FileList.module.css";
import { FolderActionsMenu } from "./FolderActionsMenu";
import { type LockConflict, LockDialog, lockConflict } from "./LockDialog";
import { moveFiles } from "./operations";
import { PropColumnsMenu, useShownProps } from "./PropColumns";
import { SearchBar } from "./SearchBar";
import { SelectionBar } from "./SelectionBar";
import { parseSearch } from "./search";
import { useSelection } from "./selection";
import { fromServer, useFolderView } from "./view";

// Opened now and then: loaded when first opened, to keep the explorer's first load small.
const InfoPanel = lazy(() => import("./InfoPanel"));

/** What was cut or copied, for a paste in another folder; kept while the tab lives. */
let clipboard: Clipboard | null = null;

const SORT_KEYS: SortKey[] = ["name", "size", "updated_at", "created_at"];

export default function Explorer() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { path } = useSearch({ from: "/app/home" });
  const parsed = parseUri(path);
  const fs = parsed?.fs ?? "my";
  const searching = parseSearch(path);
  const folderView = useFolderView(path);
  const listing = useListing(path, folderView.local);
  const [dialog, setDialog] = useState<ExplorerDialog | null>(null);
  const [lock, setLock] = useState<LockConflict | null>(null);
  const [menuAt, setMenuAt] = useState<{ x: number; y: number } | null>(null);
  const [, setClip] = useState<Clipboard | null>(clipboard);

  const files = useMemo(() => listing.data?.pages.flatMap((p) => p.files) ?? [], [listing.data]);
  const first = listing.data?.pages[0];
  const view = folderView.local ?? fromServer(first?.view);
  const policyId = first?.storage_policy?.id;
  const writable = fs === "my" && !searching;
  const session = useSession();
  const selection = useSelection(files, path);
  const { fetchNextPage } = listing;
  const loadMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);
  /** How many items the folder holds: exact once every page is in, else a lower bound. */
  const complete = !listing.hasNextPage;
  const itemCount = t(complete ? "explorer.items" : "explorer.itemsAtLeast", {
    count: files.length,
  });

  // Select all means the whole folder: the pages not loaded yet are fetched first.
  const [selectingAll, setSelectingAll] = useState(false);
  const selectAll = useCallback(() => setSelectingAll(true), []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new folder stops a pending select-all
  useEffect(() => setSelectingAll(false), [path]);
  const { hasNextPage, isFetchingNextPage, isFetchNextPageError } = listing;
  useEffect(() => {
    if (!selectingAll) return;
    if (isFetchNextPageError) setSelectingAll(false);
    else if (hasNextPage) {
      if (!isFetchingNextPage) void fetchNextPage();
    } else {
      selection.selectAll();
      setSelectingAll(false);
    }
  }, [
    selectingAll,
    hasNextPage,
    isFetchingNextPage,
    isFetchNextPageError,
    fetchNextPage,
    selection.selectAll,
  ]);

  /** Runs a change; a lock conflict opens the lock dialog, other failures are thrown. */
  const guard = useCallback(async (change: () => Promise<void>) => {
    try {
      await change();
    } catch (e) {
      const locks = lockConflict(e);
      if (!locks) throw e;
      setLock({ locks, retry: change });
    }
  }, []);
  /** The same, with other failures shown as a notification. */
  const run = useCallback(
    (change: () => Promise<void>) => guard(change).catch(notifyError),
    [guard],
  );

  const handle: ExplorerHandle = {
    open: (file) => open(file),
    show: setDialog,
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

  function open(file: FileInfo) {
    if (savedTarget(file)) {
      // A saved share: its folder opens in the explorer, its file in a viewer.
      followSaved(file)
        .then((target) =>
          target.type === FOLDER
            ? navigate({ to: "/home", search: { path: target.path } })
            : openFile(target, [target]),
        )
        .catch(notifyError);
      return;
    }
    if (file.type === FOLDER) {
      navigate({ to: "/home", search: { path: file.path } });
      return;
    }
    if (fs === "trash") return;
    openFile(file, files);
  }

  function openFile(file: FileInfo, siblings: FileInfo[]) {
    if (!tryOpeners(file, ctxFor([file])) && !openPreview(file, siblings)) downloadFiles([file]);
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

  // Ctrl+V also works in an empty folder, where there is no list to hold the focus.
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (e.defaultPrevented || target.closest("input, textarea, [role=dialog], [role=menu]"))
        return;
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "v") {
        e.preventDefault();
        paste();
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [paste]);

  const up = () => {
    const crumbs = parsed ? ancestors(parsed) : [];
    const target = searching ? searching.folder : crumbs[crumbs.length - 2];
    if (target) navigate({ to: "/home", search: { path: target } });
  };

  const onKeyDown = (e: KeyboardEvent, columns: number) => {
    const ctrl = e.ctrlKey || e.metaKey;
    const onRow = (e.target as HTMLElement).hasAttribute("data-focus-target");
    const focused = files[selection.focus];
    const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    const step = view.mode === "grid" ? columns : 1;
    const handled = () => {
      e.preventDefault();
      e.stopPropagation();
    };
    if (key === "ArrowDown") selection.moveFocus(selection.focus + step, e.shiftKey);
    else if (key === "ArrowUp") selection.moveFocus(selection.focus - step, e.shiftKey);
    else if (key === "ArrowRight" && view.mode === "grid")
      selection.moveFocus(selection.focus + 1, e.shiftKey);
    else if (key === "ArrowLeft" && view.mode === "grid")
      selection.moveFocus(selection.focus - 1, e.shiftKey);
    else if (key === "Home") selection.moveFocus(0, e.shiftKey);
    else if (key === "End") selection.moveFocus(files.length - 1, e.shiftKey);
    else if (key === " " && onRow) selection.click(selection.focus, { toggle: true });
    else if (key === "Enter" && onRow && e.altKey && focused) runAction("info", [focused]);
    else if (key === "Enter" && onRow && focused) open(focused);
    else if (key === "Delete") runAction(fs === "trash" ? "deleteForever" : "delete");
    else if (key === "F2") runAction("rename");
    else if (ctrl && key === "a") selectAll();
    else if (key === "Escape" && dialog?.kind === "info") setDialog(null);
    else if (key === "Escape" && selection.selected.size) selection.clear();
    else if (ctrl && (key === "c" || key === "x") && fs === "my" && selection.chosen.length) {
      handle.setClipboard({ uris: selection.chosen.map((f) => f.path), cut: key === "x" });
    } else if (ctrl && key === "v") paste();
    else if (key === "Backspace") up();
    else if (key === "ContextMenu" || (key === "F10" && e.shiftKey)) {
      const row = document.querySelector(`[data-index="${selection.focus}"]`);
      const box = row?.getBoundingClientRect();
      if (focused && box) {
        selection.ensure(selection.focus);
        setMenuAt({ x: box.left + 48, y: box.bottom });
      }
    } else return;
    handled();
  };

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

  const crumbs = parsed ? ancestors(parsed) : [];
  const rootName = t(`nav.root.${fs === "share" ? "share" : fs}` as "nav.root.my", {
    defaultValue: t("nav.root.my"),
  });
  const propColumns = useShownProps(view.props);
  const setView = (next: Partial<typeof view>) =>
    folderView.change({ ...view, ...next }, first?.view);

  return (
    <Stack
      h="calc(100dvh - var(--app-shell-header-offset, 56px) - 2 * var(--mantine-spacing-md))"
      gap="sm"
      pos="relative"
    >
      {fs === "snapshot" && parsed?.id && <SnapshotBanner id={parsed.id} />}
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Box component="nav" aria-label={t("explorer.breadcrumbs")} miw={0}>
          <Breadcrumbs separatorMargin={4}>
            {crumbs.map((uri, i) => {
              const label = i === 0 ? rootName : parsed?.segments[i - 1];
              return i === crumbs.length - 1 && !searching ? (
                <Text key={uri} fw={600} truncate aria-current="page">
                  {label}
                </Text>
              ) : (
                <span key={uri} {...(fs === "my" ? dropTarget(uri, onDrop) : {})}>
                  <AnchorLink to="/home" search={{ path: uri }} truncate>
                    {label}
                  </AnchorLink>
                </span>
              );
            })}
            {searching && (
              <Text fw={600} truncate aria-current="page">
                {t("explorer.search.results")}
              </Text>
            )}
          </Breadcrumbs>
          {!listing.isPending && !listing.isError && (
            <Text size="xs" c="dimmed" data-testid="item-count">
              {itemCount}
            </Text>
          )}
        </Box>
        <Group gap="xs">
          {(fs === "my" || fs === "share") && (
            <SearchBar
              uri={path}
              onSearch={(uri) => navigate({ to: "/home", search: { path: uri } })}
            />
          )}
          {searching && (
            <Button
              variant="subtle"
              leftSection={<IconX size={16} />}
              onClick={() => navigate({ to: "/home", search: { path: searching.folder } })}
            >
              {t("explorer.search.clear")}
            </Button>
          )}
          {searching && fs === "my" && (
            <IconButton
              variant="default"
              size="lg"
              label={t("explorer.search.pin")}
              onClick={() =>
                run(async () => {
                  const name = searching.filters.name || t("explorer.search.results");
                  await unwrap(api.PUT("/file/pin", { body: { uri: path, name } }));
                  await queryClient.invalidateQueries({ queryKey: ["me"] });
                })
              }
            >
              <IconPin size={16} />
            </IconButton>
          )}
          <IconButton
            variant="default"
            size="lg"
            onClick={() => setView({ mode: view.mode === "grid" ? "list" : "grid" })}
            label={t(view.mode === "grid" ? "explorer.view.list" : "explorer.view.grid")}
          >
            {view.mode === "grid" ? <IconList size={16} /> : <IconLayoutGrid size={16} />}
          </IconButton>
          {view.mode === "list" && (
            <PropColumnsMenu shown={view.props} onChange={(props) => setView({ props })} />
          )}
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <IconButton variant="default" size="lg" label={t("explorer.sort.label")}>
                <IconArrowsSort size={16} />
              </IconButton>
            </Menu.Target>
            <Menu.Dropdown>
              {SORT_KEYS.map((key) => (
                <Menu.Item
                  key={key}
                  leftSection={view.order_by === key ? <IconCheck size={14} /> : <Box w={14} />}
                  onClick={() => setView({ order_by: key })}
                >
                  {t(`explorer.sort.${key}`)}
                </Menu.Item>
              ))}
              <Menu.Divider />
              {(["asc", "desc"] as const).map((dir) => (
                <Menu.Item
                  key={dir}
                  leftSection={
                    view.order_direction === dir ? <IconCheck size={14} /> : <Box w={14} />
                  }
                  onClick={() => setView({ order_direction: dir })}
                >
                  {t(`explorer.sort.${dir}`)}
                </Menu.Item>
              ))}
            </Menu.Dropdown>
          </Menu>
          <IconButton
            variant="default"
            size="lg"
            onClick={() => listing.refetch()}
            label={t("explorer.refresh")}
          >
            <IconRefresh size={16} />
          </IconButton>
          {fs === "my" && !searching && first?.parent && (
            <FolderActionsMenu ctx={ctxFor([first.parent])} />
          )}
          {fs === "trash" && files.length > 0 && (
            <Button
              variant="light"
              color="red"
              leftSection={<IconTrashX size={16} />}
              onClick={() => setDialog({ kind: "emptyTrash" })}
            >
              {t("explorer.emptyTrash")}
            </Button>
          )}
          {writable && (
            <>
              <IconButton
                variant="default"
                size="lg"
                label={t("explorer.newFile")}
                onClick={() => setDialog({ kind: "newFile" })}
              >
                <IconFilePlus size={16} />
              </IconButton>
              <Button
                variant="default"
                leftSection={<IconFolderPlus size={16} />}
                onClick={() => setDialog({ kind: "newFolder" })}
              >
                {t("explorer.newFolder")}
              </Button>
              {canRemoteDownload(session?.user) && (
                <IconButton
                  variant="default"
                  size="lg"
                  label={t("tasks.download.title")}
                  onClick={() => openTaskDialog({ kind: "download", folder: path })}
                >
                  <IconCloudDownload size={16} />
                </IconButton>
              )}
              <UploadButton folder={path} policyId={policyId} />
            </>
          )}
        </Group>
      </Group>

      <Box className={classes.body}>
        {/* The selection bar floats over this column, never over the info panel. */}
        <Stack gap={0} flex={1} miw={0} pos="relative">
          {(selection.chosen.length > 0 || selectingAll) && (
            <SelectionBar
              ctx={ctx}
              total={files.length}
              complete={complete}
              selectingAll={selectingAll}
              onSelectAll={selectAll}
              onClear={() => {
                setSelectingAll(false);
                selection.clear();
              }}
            />
          )}
          {listing.isPending ? (
            <Center flex={1}>
              <Loader aria-label={t("explorer.loading")} />
            </Center>
          ) : listing.isError ? (
            <Alert color="red" title={t("explorer.loadFailed")} role="alert">
              {errorMessage(listing.error)}
            </Alert>
          ) : files.length === 0 ? (
            <Center flex={1}>
              <Text c="dimmed">
                {t(
                  searching
                    ? "explorer.search.none"
                    : fs === "trash"
                      ? "explorer.trashEmpty"
                      : "explorer.empty",
                )}
              </Text>
            </Center>
          ) : (
            <FileList
              files={files}
              hasMore={!!listing.hasNextPage}
              loadingMore={listing.isFetchingNextPage}
              loadMore={loadMore}
              mode={view.mode}
              selection={selection}
              movable={fs === "my"}
              showParent={!!searching}
              propColumns={propColumns}
              onOpen={open}
              onMenu={(_, at) => setMenuAt(at)}
              onDrop={onDrop}
              onKeyDown={onKeyDown}
            />
          )}
        </Stack>
        {wide && infoFile && (
          <Suspense>
            <InfoPanel
              side
              file={infoFile}
              folder={path}
              owned={fs === "my"}
              run={run}
              onClose={() => setDialog(null)}
            />
          </Suspense>
        )}
      </Box>

      <ContextMenu at={menuAt} ctx={ctx} onClose={() => setMenuAt(null)} />

      {writable && (
        <DropZone
          folder={path}
          policyId={policyId}
          folderName={parsed?.segments.at(-1) ?? rootName}
        />
      )}
      <ExplorerDialogs
        dialog={dialog}
        folder={path}
        // Out of a snapshot, copies go to my files.
        moveFrom={fs === "snapshot" ? MY_ROOT : (searching?.folder ?? path)}
        guard={guard}
        run={run}
        clearSelection={selection.clear}
        onClose={() => setDialog(null)}
      />
      <Suspense>
        {!wide && infoFile && (
          <InfoPanel
            side={false}
            file={infoFile}
            folder={path}
            owned={fs === "my"}
            run={run}
            onClose={() => setDialog(null)}
          />
        )}
      </Suspense>
      {lock && <LockDialog conflict={lock} onClose={() => setLock(null)} />}
    </Stack>
  );
}
