// The files of a folder as rows (list) or cards with thumbnails (grid): only those in view are
// drawn (TanStack Virtual), and the next cursor page is fetched when the last loaded row comes
// into view. A `grid` with multi-selection: the row with the keyboard focus holds the one
// tabbable element, the keys are handled by the explorer (onKeyDown).
// biome-ignore-all lint/a11y/useSemanticElements: a virtualized ARIA grid; table elements cannot be absolutely placed rows
// biome-ignore-all lint/a11y/useFocusableInteractive: roving focus: each row's button takes it, the grid handles the keys
// biome-ignore-all lint/a11y/useKeyWithClickEvents: the keys of a row are handled by the grid (onKeyDown)
import { ActionIcon, Loader, Text } from "@mantine/core";
import { IconDots } from "@tabler/icons-react";
import { useVirtualizer } from "@tanstack/react-virtual";
import { type KeyboardEvent, type MouseEvent, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { FileInfo } from "../../api/client";
import { FOLDER } from "../../api/listing";
import { formatBytes, formatDate } from "../../lib/format";
import { parseUri } from "../../lib/uri";
import type { CustomProp } from "./CustomProps";
import { type DropHandler, dropTarget, startDrag } from "./dnd";
import { FileIcon, Thumbnail } from "./FileIcon";
import classes from "./FileList.module.css";
import { PropCells, PropHeaders } from "./PropColumns";
import type { Selection } from "./selection";

/** `cloudreve://my/Work/2026/plan.txt` → `/Work/2026`. */
function parentPath(uri: string): string {
  return `/${parseUri(uri)?.segments.slice(0, -1).join("/") ?? ""}`;
}

import type { ViewMode } from "./view";

type Props = {
  files: FileInfo[];
  hasMore: boolean;
  loadingMore: boolean;
  loadMore: () => void;
  mode: ViewMode;
  selection: Selection;
  /** Rows can be dragged onto folders. */
  movable: boolean;
  /** Each row says which folder it is in (search results come from a whole tree). */
  showParent?: boolean;
  /** Custom properties shown as columns of the list. */
  propColumns?: CustomProp[];
  onOpen: (file: FileInfo) => void;
  /** The context menu for the row at `index`, at a point of the page. */
  onMenu: (index: number, at: { x: number; y: number }) => void;
  onDrop: DropHandler;
  onKeyDown: (event: KeyboardEvent, columns: number) => void;
};

const ROW_HEIGHT = 52;
const CARD_WIDTH = 168;
const CARD_HEIGHT = 196;

export { FOLDER };

export function FileList(props: Props) {
  const { files, hasMore, loadingMore, loadMore, mode, selection } = props;
  const { t } = useTranslation();
  const scroller = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const box = scroller.current;
    if (!box) return;
    const observer = new ResizeObserver(() => setWidth(box.clientWidth));
    observer.observe(box);
    setWidth(box.clientWidth);
    return () => observer.disconnect();
  }, []);
  const columns = mode === "grid" ? Math.max(1, Math.floor((width || CARD_WIDTH) / CARD_WIDTH)) : 1;
  const lines = Math.ceil(files.length / columns) + (hasMore ? 1 : 0);
  const rows = useVirtualizer({
    count: lines,
    getScrollElement: () => scroller.current,
    estimateSize: () => (mode === "grid" ? CARD_HEIGHT : ROW_HEIGHT),
    overscan: mode === "grid" ? 3 : 10,
    // Room below the last row, so that the floating selection bar covers none.
    paddingEnd: 72,
  });
  // biome-ignore lint/correctness/useExhaustiveDependencies: row heights change with the mode
  useEffect(() => rows.measure(), [mode, rows]);
  const items = rows.getVirtualItems();
  const lastLine = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    if (hasMore && !loadingMore && (lastLine + 1) * columns >= files.length) loadMore();
  }, [hasMore, loadingMore, lastLine, columns, files.length, loadMore]);

  // Keyboard focus follows the focused row: scroll it into view, then focus its button.
  const focus = selection.focus;
  useEffect(() => {
    const box = scroller.current;
    if (!box?.contains(document.activeElement) || !files[focus]) return;
    rows.scrollToIndex(Math.floor(focus / columns));
    const id = requestAnimationFrame(() => {
      box.querySelector<HTMLElement>(`[data-index="${focus}"] [data-focus-target]`)?.focus();
    });
    return () => cancelAnimationFrame(id);
  }, [focus, columns, rows, files]);

  const height = mode === "grid" ? CARD_HEIGHT : ROW_HEIGHT;
  return (
    <div
      ref={scroller}
      className={classes.scroller}
      role="grid"
      aria-label={t("explorer.files")}
      aria-multiselectable
      aria-rowcount={files.length}
      tabIndex={-1}
      onKeyDown={(e) => props.onKeyDown(e, columns)}
    >
      {mode === "list" && (
        <div role="row" className={classes.header}>
          <div role="columnheader" className={classes.name}>
            {t("explorer.sort.name")}
          </div>
          {props.showParent && (
            <div role="columnheader" className={classes.parent}>
              {t("explorer.folderColumn")}
            </div>
          )}
          <div role="columnheader" className={classes.size}>
            {t("explorer.sort.size")}
          </div>
          <div role="columnheader" className={classes.date}>
            {t("explorer.sort.updated_at")}
          </div>
          <PropHeaders props={props.propColumns ?? []} />
          <div role="columnheader" className={classes.menu} />
        </div>
      )}
      <div className={classes.rows} style={{ height: rows.getTotalSize() }}>
        {items.map((line) => {
          const style = { transform: `translateY(${line.start}px)`, height };
          const first = line.index * columns;
          if (first >= files.length) {
            return (
              <div
                key="more"
                role="row"
                className={`${classes.line} ${classes.more}`}
                style={style}
              >
                <div role="gridcell">
                  <Loader size="sm" aria-label={t("explorer.loadingMore")} />
                </div>
              </div>
            );
          }
          if (mode === "list") {
            return <Item key={files[first]?.path} index={first} style={style} props={props} list />;
          }
          return (
            <div
              key={`line-${line.index}`}
              role="presentation"
              className={classes.line}
              style={style}
            >
              {files.slice(first, first + columns).map((file, i) => (
                <Item key={file.path} index={first + i} props={props} />
              ))}
            </div>
          );
        })}
      </div>
    </div>
  );
}

function Item({
  index,
  props,
  style,
  list,
}: {
  index: number;
  props: Props;
  style?: React.CSSProperties;
  list?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const { files, selection, movable } = props;
  const [over, setOver] = useState(false);
  const file = files[index];
  if (!file) return null;
  const folder = file.type === FOLDER;
  const selected = selection.selected.has(file.path);
  const focused = selection.focus === index;

  const click = (e: MouseEvent) => {
    // A tap on a touch screen opens, as there is no double tap.
    if ((e.nativeEvent as PointerEvent).pointerType === "touch" && !selection.selected.size) {
      props.onOpen(file);
      return;
    }
    selection.click(index, { shift: e.shiftKey, toggle: e.ctrlKey || e.metaKey });
  };
  const menu = (e: MouseEvent) => {
    e.preventDefault();
    selection.ensure(index);
    props.onMenu(index, { x: e.clientX, y: e.clientY });
  };
  const drop = folder && movable ? dropTarget(file.path, props.onDrop, setOver) : {};

  const className = [
    list ? classes.row : classes.card,
    selected ? classes.selected : "",
    over ? classes.over : "",
  ].join(" ");

  return (
    <div
      role="row"
      aria-selected={selected}
      aria-rowindex={index + 1}
      data-index={index}
      className={className}
      style={style}
      onClick={click}
      onDoubleClick={() => props.onOpen(file)}
      onContextMenu={menu}
      draggable={movable}
      onDragStart={(e) => {
        const uris = selected ? selection.chosen.map((f) => f.path) : [file.path];
        startDrag(e, uris);
      }}
      {...drop}
    >
      <div role="gridcell" className={list ? classes.name : classes.cardBody}>
        <button
          type="button"
          className={classes.focusTarget}
          data-focus-target
          tabIndex={focused ? 0 : -1}
          title={file.name}
          onFocus={() => {
            if (!focused) selection.focusOnly(index);
          }}
        >
          {list ? (
            <FileIcon file={file} size={22} />
          ) : (
            <Thumbnail file={file} className={classes.thumb ?? ""} />
          )}
          <Text span truncate="end" size={list ? "md" : "sm"} className={classes.label}>
            {file.name}
          </Text>
        </button>
      </div>
      {list && props.showParent && (
        <div role="gridcell" className={classes.parent}>
          <Text
            size="sm"
            c="dimmed"
            truncate="end"
            title={parentPath(file.path)}
            data-testid="parent-path"
          >
            {parentPath(file.path)}
          </Text>
        </div>
      )}
      {list && (
        <>
          <div role="gridcell" className={classes.size}>
            <Text size="sm" c="dimmed">
              {folder ? "" : formatBytes(file.size)}
            </Text>
          </div>
          <div role="gridcell" className={classes.date}>
            <Text size="sm" c="dimmed">
              {formatDate(file.updated_at, i18n.language)}
            </Text>
          </div>
          <PropCells props={props.propColumns ?? []} file={file} />
        </>
      )}
      <div role="gridcell" className={classes.menu}>
        <ActionIcon
          variant="subtle"
          color="gray"
          tabIndex={focused ? 0 : -1}
          aria-label={t("explorer.actionsFor", { name: file.name })}
          aria-haspopup="menu"
          onClick={(e) => {
            e.stopPropagation();
            selection.ensure(index);
            const box = e.currentTarget.getBoundingClientRect();
            props.onMenu(index, { x: box.left, y: box.bottom });
          }}
          onDoubleClick={(e) => e.stopPropagation()}
        >
          <IconDots size={18} />
        </ActionIcon>
      </div>
    </div>
  );
}
