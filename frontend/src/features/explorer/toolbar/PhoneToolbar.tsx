// The explorer's toolbar on a phone, on one row: where it is, search, order and a "more" menu
// that holds the rest (view, refresh, new file and folder, empty the trash, the folder's own
// actions). Search opens under the row when asked for; the buttons other features add (upload,
// remote download) float at the bottom right, under the thumb, while nothing is selected.
import { Box, Group, Menu, Stack } from "@mantine/core";
import {
  IconDots,
  IconFilePlus,
  IconFolderPlus,
  IconPin,
  IconRefresh,
  IconSearch,
  IconTrashX,
  IconX,
} from "@tabler/icons-react";
import { useNavigate } from "@tanstack/react-router";
import { type ReactNode, useState } from "react";
import { useTranslation } from "react-i18next";
import { addPin } from "../../../api/account/me";
import { IconButton } from "../../../components/IconButton";
import { type ActionContext, type ExplorerDialog, folderActionsFor } from "../actions";
import type { FolderState } from "../folderState";
import type { DropHandler } from "../move/dnd";
import { SearchBar } from "../search/SearchBar";
import { Crumbs } from "./Crumbs";
import classes from "./PhoneToolbar.module.css";
import { SortMenu } from "./SortMenu";
import { ViewMenuItems } from "./ViewSwitch";

type Props = {
  folder: FolderState;
  folderCtx?: ActionContext;
  addButtons?: ReactNode;
  count?: string;
  show: (dialog: ExplorerDialog) => void;
  run: (change: () => Promise<void>) => Promise<void>;
  onDrop: DropHandler;
};

export function PhoneToolbar({
  folder: f,
  folderCtx,
  addButtons,
  count,
  show,
  run,
  onDrop,
}: Props) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [searchOpen, setSearchOpen] = useState(false);
  const canSearch = f.fs === "my" || f.fs === "share";
  const selecting = f.selection.chosen.length > 0;
  return (
    <Stack gap="xs">
      <Group wrap="nowrap" gap={6} data-testid="phone-toolbar">
        <Box flex={1} miw={0}>
          <Crumbs
            parsed={f.parsed}
            fs={f.fs}
            searching={!!f.searching}
            rootName={f.rootName}
            count={count}
            onDrop={onDrop}
          />
        </Box>
        {f.searching ? (
          <IconButton
            variant="default"
            size="lg"
            label={t("explorer.search.clear")}
            onClick={() => navigate({ to: "/home", search: { path: f.searching?.folder ?? "" } })}
          >
            <IconX size={16} />
          </IconButton>
        ) : (
          canSearch && (
            <IconButton
              variant={searchOpen ? "light" : "default"}
              size="lg"
              label={t("explorer.search.label")}
              aria-expanded={searchOpen}
              onClick={() => setSearchOpen((open) => !open)}
            >
              <IconSearch size={16} />
            </IconButton>
          )
        )}
        <SortMenu order={f.view} onChange={f.setView} />
        <MoreMenu folder={f} folderCtx={folderCtx} show={show} run={run} />
      </Group>
      {canSearch && (searchOpen || f.searching) && (
        <SearchBar
          grow
          uri={f.path}
          onSearch={(uri) => navigate({ to: "/home", search: { path: uri } })}
        />
      )}
      {addButtons && !selecting && (
        <div className={classes.fab} data-testid="phone-add-buttons">
          {addButtons}
        </div>
      )}
    </Stack>
  );
}

/** Everything that does not fit the row, in the order the desktop toolbar shows it. */
function MoreMenu({
  folder: f,
  folderCtx,
  show,
  run,
}: Pick<Props, "folder" | "folderCtx" | "show" | "run">) {
  const { t } = useTranslation();
  const folderActions = folderCtx ? folderActionsFor(folderCtx) : [];
  const trashFull = f.fs === "trash" && f.files.length > 0;
  const pin = () =>
    run(async () => {
      await addPin(f.path, f.searching?.filters.name || t("explorer.search.results"));
    });
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <IconButton variant="default" size="lg" label={t("explorer.more")}>
          <IconDots size={16} />
        </IconButton>
      </Menu.Target>
      <Menu.Dropdown>
        <ViewMenuItems mode={f.view.mode} onChange={(mode) => f.setView({ mode })} />
        <Menu.Divider />
        <Menu.Item leftSection={<IconRefresh size={16} />} onClick={() => f.listing.refetch()}>
          {t("explorer.refresh")}
        </Menu.Item>
        {f.searching && f.fs === "my" && (
          <Menu.Item leftSection={<IconPin size={16} />} onClick={pin}>
            {t("explorer.search.pin")}
          </Menu.Item>
        )}
        {f.writable && (
          <>
            <Menu.Divider />
            <Menu.Item
              leftSection={<IconFolderPlus size={16} />}
              onClick={() => show({ kind: "newFolder" })}
            >
              {t("explorer.newFolder")}
            </Menu.Item>
            <Menu.Item
              leftSection={<IconFilePlus size={16} />}
              onClick={() => show({ kind: "newFile" })}
            >
              {t("explorer.newFile")}
            </Menu.Item>
          </>
        )}
        {trashFull && (
          <Menu.Item
            color="red"
            leftSection={<IconTrashX size={16} />}
            onClick={() => show({ kind: "emptyTrash" })}
          >
            {t("explorer.emptyTrash")}
          </Menu.Item>
        )}
        {folderActions.length > 0 && folderCtx && <Menu.Divider />}
        {folderCtx &&
          folderActions.map((action) => (
            <Menu.Item
              key={action.id}
              color={action.danger ? "red" : undefined}
              leftSection={<action.icon size={16} />}
              onClick={() => void action.run(folderCtx)}
            >
              {t(action.labelKey as "explorer.action.open")}
            </Menu.Item>
          ))}
      </Menu.Dropdown>
    </Menu>
  );
}
