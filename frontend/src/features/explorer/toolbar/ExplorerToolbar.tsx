// The explorer's toolbar: where it is (breadcrumbs and count) on one side; on the other search,
// view (list, grid, gallery), columns, order, refresh, the folder's menu, and what fits the folder: empty the trash,
// or new file, new folder and the buttons other features add (upload, remote download). A phone
// gets PhoneToolbar: one row, the rest in a menu, the add buttons under the thumb.
import { Button, Group } from "@mantine/core";
import {
  IconFilePlus,
  IconFolderPlus,
  IconPin,
  IconRefresh,
  IconTrashX,
  IconX,
} from "@tabler/icons-react";
import { useNavigate } from "@tanstack/react-router";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { addPin } from "../../../api/account/me";
import { IconButton } from "../../../components/IconButton";
import { useIsPhone } from "../../../lib/phone";
import type { ActionContext, ExplorerDialog } from "../actions";
import type { FolderState } from "../folderState";
import { PropColumnsMenu } from "../list/PropColumns";
import type { FolderView } from "../list/view";
import type { DropHandler } from "../move/dnd";
import { SearchBar } from "../search/SearchBar";
import { Crumbs } from "./Crumbs";
import { FolderActionsMenu } from "./FolderActionsMenu";
import { PhoneToolbar } from "./PhoneToolbar";
import { SortMenu } from "./SortMenu";
import { ViewSwitch } from "./ViewSwitch";

type Props = {
  folder: FolderState;
  /** The folder on screen as an action context, for its menu; undefined where it has none. */
  folderCtx?: ActionContext;
  /** What other features add where files can be added. */
  addButtons?: ReactNode;
  show: (dialog: ExplorerDialog) => void;
  run: (change: () => Promise<void>) => Promise<void>;
  onDrop: DropHandler;
};

type Searching = FolderState["searching"];

export function ExplorerToolbar(props: Props) {
  const { folder: f, folderCtx, addButtons, show, run, onDrop } = props;
  const { t } = useTranslation();
  const phone = useIsPhone();
  const { listing, files, fs } = f;
  const count =
    listing.isPending || listing.isError
      ? undefined
      : t(f.complete ? "explorer.items" : "explorer.itemsAtLeast", { count: files.length });
  if (phone) return <PhoneToolbar {...props} count={count} />;
  return (
    <Group justify="space-between" wrap="wrap" gap="xs">
      <Crumbs
        parsed={f.parsed}
        fs={fs}
        searching={!!f.searching}
        rootName={f.rootName}
        count={count}
        onDrop={onDrop}
      />
      <Group gap="xs">
        <SearchButtons path={f.path} fs={fs} searching={f.searching} run={run} />
        <ViewButtons view={f.view} setView={f.setView} onRefresh={() => listing.refetch()} />
        {folderCtx && <FolderActionsMenu ctx={folderCtx} />}
        <FolderButtons
          trashFull={fs === "trash" && files.length > 0}
          writable={f.writable}
          addButtons={addButtons}
          show={show}
        />
      </Group>
    </Group>
  );
}

function SearchButtons({
  path,
  fs,
  searching,
  run,
}: {
  path: string;
  fs: string;
  searching: Searching;
  run: Props["run"];
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const pin = () =>
    run(async () => {
      const name = searching?.filters.name || t("explorer.search.results");
      await addPin(path, name);
    });
  return (
    <>
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
        <IconButton variant="default" size="lg" label={t("explorer.search.pin")} onClick={pin}>
          <IconPin size={16} />
        </IconButton>
      )}
    </>
  );
}

function ViewButtons({
  view,
  setView,
  onRefresh,
}: {
  view: FolderView;
  setView: FolderState["setView"];
  onRefresh: () => void;
}) {
  const { t } = useTranslation();
  return (
    <>
      <ViewSwitch mode={view.mode} onChange={(mode) => setView({ mode })} />
      {view.mode === "list" && (
        <PropColumnsMenu shown={view.props} onChange={(props) => setView({ props })} />
      )}
      <SortMenu order={view} onChange={setView} />
      <IconButton variant="default" size="lg" onClick={onRefresh} label={t("explorer.refresh")}>
        <IconRefresh size={16} />
      </IconButton>
    </>
  );
}

function FolderButtons({
  trashFull,
  writable,
  addButtons,
  show,
}: {
  /** The trash holds something to empty. */
  trashFull: boolean;
  writable: boolean;
  addButtons?: ReactNode;
  show: Props["show"];
}) {
  const { t } = useTranslation();
  return (
    <>
      {trashFull && (
        <Button
          variant="light"
          color="red"
          leftSection={<IconTrashX size={16} />}
          onClick={() => show({ kind: "emptyTrash" })}
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
            onClick={() => show({ kind: "newFile" })}
          >
            <IconFilePlus size={16} />
          </IconButton>
          <Button
            variant="default"
            leftSection={<IconFolderPlus size={16} />}
            onClick={() => show({ kind: "newFolder" })}
          >
            {t("explorer.newFolder")}
          </Button>
          {addButtons}
        </>
      )}
    </>
  );
}
