// The rows of a folder: only those in view are drawn (TanStack Virtual), and the next cursor
// page is fetched when the last loaded row comes into view.
import { ActionIcon, Box, Loader, Menu, Text, UnstyledButton } from "@mantine/core";
import {
  IconDots,
  IconDownload,
  IconFile,
  IconFolderFilled,
  IconPencil,
  IconRestore,
  IconShare,
  IconTrash,
} from "@tabler/icons-react";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import type { FileInfo } from "../../api/client";
import { formatBytes, formatDate } from "../../lib/format";
import classes from "./FileList.module.css";

export type RowAction = "open" | "download" | "rename" | "share" | "delete" | "restore";

type Props = {
  files: FileInfo[];
  hasMore: boolean;
  loadingMore: boolean;
  loadMore: () => void;
  /** Which actions this folder allows (read-only folders, the trash). */
  actions: RowAction[];
  onAction: (action: RowAction, file: FileInfo) => void;
};

const ROW_HEIGHT = 52;
export const FOLDER = 1;

export function FileList({ files, hasMore, loadingMore, loadMore, actions, onAction }: Props) {
  const { t, i18n } = useTranslation();
  const scroller = useRef<HTMLDivElement>(null);
  const rows = useVirtualizer({
    count: files.length + (hasMore ? 1 : 0),
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  const items = rows.getVirtualItems();
  const lastIndex = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    if (hasMore && !loadingMore && lastIndex >= files.length - 1) loadMore();
  }, [hasMore, loadingMore, lastIndex, files.length, loadMore]);

  return (
    <div ref={scroller} className={classes.scroller}>
      <ul
        aria-label={t("explorer.files")}
        className={classes.rows}
        style={{ height: rows.getTotalSize() }}
      >
        {items.map((item) => {
          const file = files[item.index];
          const style = { transform: `translateY(${item.start}px)`, height: ROW_HEIGHT };
          if (!file) {
            return (
              <li key="more" className={`${classes.row} ${classes.more}`} style={style}>
                <Loader size="sm" aria-label={t("explorer.loadingMore")} />
              </li>
            );
          }
          const folder = file.type === FOLDER;
          const menuActions = actions.filter((a) => a !== "open");
          return (
            <li key={file.path} className={classes.row} style={style}>
              <UnstyledButton
                className={classes.name}
                onClick={() => {
                  const primary = actions.includes("open") ? "open" : "download";
                  if (actions.includes(primary)) onAction(primary, file);
                }}
                title={file.name}
              >
                {folder ? (
                  <IconFolderFilled size={22} className={classes.folderIcon} aria-hidden />
                ) : (
                  <IconFile size={22} stroke={1.5} aria-hidden />
                )}
                <Text span truncate="end">
                  {file.name}
                </Text>
              </UnstyledButton>
              <Text size="sm" c="dimmed" className={classes.size}>
                {folder ? "" : formatBytes(file.size)}
              </Text>
              <Text size="sm" c="dimmed" className={classes.date}>
                {formatDate(file.updated_at, i18n.language)}
              </Text>
              <Box className={classes.menu}>
                {menuActions.length > 0 && (
                  <RowMenu
                    name={file.name}
                    actions={menuActions}
                    onAction={(a) => onAction(a, file)}
                  />
                )}
              </Box>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

const ICONS = {
  open: IconFile,
  download: IconDownload,
  rename: IconPencil,
  delete: IconTrash,
  restore: IconRestore,
  share: IconShare,
};

function RowMenu({
  name,
  actions,
  onAction,
}: {
  name: string;
  actions: RowAction[];
  onAction: (action: RowAction) => void;
}) {
  const { t } = useTranslation();
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <ActionIcon variant="subtle" color="gray" aria-label={t("explorer.actionsFor", { name })}>
          <IconDots size={18} />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        {actions.map((action) => {
          const Icon = ICONS[action];
          return (
            <Menu.Item
              key={action}
              color={action === "delete" ? "red" : undefined}
              leftSection={<Icon size={16} />}
              onClick={() => onAction(action)}
            >
              {t(`explorer.action.${action}`)}
            </Menu.Item>
          );
        })}
      </Menu.Dropdown>
    </Menu>
  );
}
