// The explorer's part of the side bar: pinned folders and searches (kept by the server in the
// user's settings), and the folder tree of "my files", each level listed when first opened.
// Tree entries take dropped rows like the folders of the list. The tree follows the WAI-ARIA tree
// pattern: one tab stop, arrow keys move between visible folders and open or close them, Enter opens.
import { Box, Group, Loader, NavLink, Text, UnstyledButton } from "@mantine/core";
import { IconChevronRight, IconFolderFilled, IconPinFilled, IconX } from "@tabler/icons-react";
import { useNavigate, useSearch } from "@tanstack/react-router";
import { type KeyboardEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { removePin, usePins } from "../../api/account/me";
import { useSubfolders } from "../../api/files/folders";
import { useSession } from "../../api/session";
import { IconButton } from "../../components/IconButton";
import { notifyError } from "../../lib/errors";
import { MY_ROOT, parseUri } from "../../lib/uri";
import { dropTarget } from "./move/dnd";
import { moveUndoable } from "./move/moveUndo";
import classes from "./Sidebar.module.css";
import { treeKeyDown } from "./treeKeys";

export function ExplorerSidebar({ onNavigate }: { onNavigate?: () => void }) {
  const { t } = useTranslation();
  const session = useSession();
  const pins = usePins();
  const navigate = useNavigate();
  const { path } = useSearch({ strict: false }) as { path?: string };
  if (!session) return null;
  const go = (uri: string) => {
    navigate({ to: "/home", search: { path: uri } });
    onNavigate?.();
  };
  return (
    <>
      {!!pins.data?.length && (
        <Box mt="sm" component="section" aria-label={t("explorer.pins")}>
          <Text size="xs" c="dimmed" fw={600} px="xs" mb={4}>
            {t("explorer.pins")}
          </Text>
          {pins.data.map((pin) => (
            <Group key={pin.uri} gap={0} wrap="nowrap" className={classes.pin}>
              <NavLink
                component="button"
                label={pin.name || parseUri(pin.uri)?.segments.at(-1) || pin.uri}
                leftSection={<IconPinFilled size={16} />}
                active={path === pin.uri}
                onClick={() => go(pin.uri)}
              />
              <IconButton
                variant="subtle"
                color="gray"
                size="sm"
                className={classes.unpin}
                label={t("explorer.unpin", { name: pin.name || pin.uri })}
                onClick={() => removePin(pin.uri).catch(notifyError)}
              >
                <IconX size={14} />
              </IconButton>
            </Group>
          ))}
        </Box>
      )}
      <Box mt="sm" component="nav" aria-label={t("explorer.tree")}>
        <Text size="xs" c="dimmed" fw={600} px="xs" mb={4}>
          {t("explorer.tree")}
        </Text>
        <div className={classes.tree} role="tree" aria-label={t("explorer.tree")}>
          <TreeNode uri={MY_ROOT} name={t("nav.root.my")} depth={0} current={path} go={go} />
        </div>
      </Box>
    </>
  );
}

type NodeProps = {
  uri: string;
  name: string;
  depth: number;
  current?: string;
  go: (uri: string) => void;
};

function TreeNode({ uri, name, depth, current, go }: NodeProps) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [over, setOver] = useState(false);
  const children = useSubfolders(uri, open);
  const drop = dropTarget(
    uri,
    (uris, dst, copy) => void moveUndoable(uris, dst, copy).catch(notifyError),
    setOver,
  );
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) =>
    treeKeyDown(e, open, setOpen, () => go(uri));
  return (
    <div
      role="treeitem"
      aria-label={name}
      aria-level={depth + 1}
      aria-expanded={open}
      aria-selected={current === uri}
      tabIndex={depth === 0 ? 0 : -1}
      className={classes.node}
      onKeyDown={onKeyDown}
    >
      <TreeRow
        name={name}
        depth={depth}
        active={current === uri}
        over={over}
        open={open}
        toggle={() => setOpen((o) => !o)}
        go={() => go(uri)}
        drop={drop}
      />
      {open && (
        // biome-ignore lint/a11y/useSemanticElements: a tree's group of child items, not a form fieldset.
        <div className={classes.tree} role="group">
          {children.isPending && (
            <div style={{ paddingLeft: (depth + 1) * 12 + 28 }}>
              <Loader size="xs" aria-label={t("explorer.loading")} />
            </div>
          )}
          {children.data?.map((f) => (
            <TreeNode
              key={f.path}
              uri={f.path}
              name={f.name}
              depth={depth + 1}
              current={current}
              go={go}
            />
          ))}
        </div>
      )}
    </div>
  );
}

/** A folder's row in the tree: the chevron that opens it, and its name, which opens the folder. */
function TreeRow({
  name,
  depth,
  active,
  over,
  open,
  toggle,
  go,
  drop,
}: {
  name: string;
  depth: number;
  active: boolean;
  /** Files are dragged over it. */
  over: boolean;
  open: boolean;
  toggle: () => void;
  go: () => void;
  drop: ReturnType<typeof dropTarget>;
}) {
  const { t } = useTranslation();
  return (
    <Group
      gap={0}
      wrap="nowrap"
      className={`${classes.item} ${active ? classes.active : ""} ${over ? classes.over : ""}`}
      style={{ paddingLeft: depth * 12 }}
      {...drop}
    >
      <IconButton
        variant="subtle"
        color="gray"
        size="sm"
        tabIndex={-1}
        aria-expanded={open}
        label={t(open ? "explorer.collapse" : "explorer.expand", { name })}
        onClick={toggle}
      >
        <IconChevronRight size={14} className={open ? classes.open : classes.chevron} />
      </IconButton>
      <UnstyledButton
        className={classes.label}
        tabIndex={-1}
        aria-current={active ? "page" : undefined}
        onClick={go}
      >
        <IconFolderFilled size={16} color="var(--mantine-color-yellow-5)" aria-hidden />
        <Text size="sm" truncate>
          {name}
        </Text>
      </UnstyledButton>
    </Group>
  );
}
