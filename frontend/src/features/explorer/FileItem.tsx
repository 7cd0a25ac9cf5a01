// One file of the list (a row) or of the grid (a card): selected by click (shift, ctrl), opened
// by double click (a tap on touch screens, where a long press selects and taps then toggle),
// dragged onto folders, with its actions menu.
// biome-ignore-all lint/a11y/useSemanticElements: a virtualized ARIA grid; table elements cannot be absolutely placed rows
// biome-ignore-all lint/a11y/useFocusableInteractive: roving focus: each row's button takes it, the grid handles the keys
// biome-ignore-all lint/a11y/useKeyWithClickEvents: the keys of a row are handled by the grid (onKeyDown)
import { Checkbox, Text } from "@mantine/core";
import { IconDots } from "@tabler/icons-react";
import { type KeyboardEvent, type MouseEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import type { FileInfo } from "../../api/client";
import { FOLDER, type Order } from "../../api/listing";
import { IconButton } from "../../components/IconButton";
import type { CustomProp } from "./CustomProps";
import { type DropHandler, dropTarget, startDrag } from "./dnd";
import { FileIcon, Thumbnail } from "./FileIcon";
import classes from "./FileList.module.css";
import { type Column, columnClass, widthVar } from "./listColumns";
import { endedLongPress, longPressHandlers, TOUCH_FIRST } from "./longPress";
import type { Selection } from "./selection";
import type { ViewMode } from "./view";

export type FileListProps = {
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
  /** The trash: where each item was and when it goes, instead of the dates. */
  trash?: boolean;
  /** Custom properties shown as columns of the list. */
  propColumns?: CustomProp[];
  /** The custom property columns picked for the folder, and a new pick. */
  propIds?: string[];
  onPropIds?: (ids: string[]) => void;
  /** The order in force, and a new one picked from the column headers. */
  order: Order;
  onSort: (order: Order) => void;
  onOpen: (file: FileInfo) => void;
  /** The context menu for the row at `index`, at a point of the page. */
  onMenu: (index: number, at: { x: number; y: number }) => void;
  onDrop: DropHandler;
  onKeyDown: (event: KeyboardEvent, columns: number) => void;
};

type Props = FileListProps;

export function Item({
  index,
  props,
  style,
  columns,
}: {
  index: number;
  props: Props;
  style?: React.CSSProperties;
  /** A row of the list with these columns after the name; a card of the grid without. */
  columns?: Column[];
}) {
  const list = !!columns;
  const { files, selection, movable } = props;
  const [over, setOver] = useState(false);
  const file = files[index];
  if (!file) return null;
  const folder = file.type === FOLDER;
  const selected = selection.selected.has(file.path);
  const focused = selection.focus === index;

  const { click, menu, press } = pointerHandlers(file, index, props);
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
      {...press}
      draggable={movable && !TOUCH_FIRST}
      onDragStart={(e) => {
        const uris = selected ? selection.chosen.map((f) => f.path) : [file.path];
        startDrag(e, uris);
      }}
      {...drop}
    >
      <RowCheck index={index} name={file.name} selected={selected} selection={selection} />
      <NameCell file={file} index={index} focused={focused} list={list} selection={selection} />
      {columns && <ColumnCells file={file} columns={columns} />}
      <MenuCell index={index} name={file.name} focused={focused} props={props} />
    </div>
  );
}

/** The name with its icon (a row) or thumbnail (a card): the row's one tabbable element. */
function NameCell({
  file,
  index,
  focused,
  list,
  selection,
}: {
  file: FileInfo;
  index: number;
  focused: boolean;
  list: boolean;
  selection: Selection;
}) {
  return (
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
  );
}

/** The list's cells after the name (listColumns.tsx), each as wide as its header. */
function ColumnCells({ file, columns }: { file: FileInfo; columns: Column[] }) {
  return (
    <>
      {columns.map((c) => (
        <div
          key={c.id}
          role="gridcell"
          className={columnClass(c, classes)}
          style={{ width: `var(${widthVar(c.id)})` }}
          data-testid={c.testId}
        >
          {c.cell(file)}
        </div>
      ))}
    </>
  );
}

/**
 * A click selects (shift: a range, ctrl: one more); the context menu opens at the pointer. On a
 * touch screen a tap opens, as there is no double tap, a long press selects, and while anything
 * is selected a tap toggles.
 */
export function pointerHandlers(file: FileInfo, index: number, props: Props) {
  const { selection } = props;
  const click = (e: MouseEvent) => {
    if (endedLongPress()) return;
    if ((e.nativeEvent as PointerEvent).pointerType === "touch") {
      if (selection.selected.size) selection.click(index, { toggle: true });
      else props.onOpen(file);
      return;
    }
    selection.click(index, { shift: e.shiftKey, toggle: e.ctrlKey || e.metaKey });
  };
  const menu = (e: MouseEvent) => {
    e.preventDefault();
    // The menu a held finger brings up on some phones: the long press already selected.
    if (endedLongPress()) return;
    selection.ensure(index);
    props.onMenu(index, { x: e.clientX, y: e.clientY });
  };
  const press = longPressHandlers(() => {
    if (!selection.selected.has(file.path)) selection.click(index, { toggle: true });
  });
  return { click, menu, press };
}

/** The row's checkbox: adds it to the selection or takes it out, the others staying. */
export function RowCheck({
  index,
  name,
  selected,
  selection,
}: {
  index: number;
  name: string;
  selected: boolean;
  selection: Selection;
}) {
  const { t } = useTranslation();
  return (
    <div role="gridcell" className={classes.check}>
      <Checkbox
        size="xs"
        tabIndex={-1}
        aria-label={t("explorer.columns.selectOne", { name })}
        checked={selected}
        onClick={(e) => e.stopPropagation()}
        onDoubleClick={(e) => e.stopPropagation()}
        onChange={() => selection.click(index, { toggle: true })}
      />
    </div>
  );
}

export function MenuCell({
  index,
  name,
  focused,
  props,
}: {
  index: number;
  name: string;
  focused: boolean;
  props: Props;
}) {
  const { t } = useTranslation();
  const { selection } = props;
  return (
    <div role="gridcell" className={classes.menu}>
      <IconButton
        variant="subtle"
        color="gray"
        tabIndex={focused ? 0 : -1}
        label={t("explorer.actionsFor", { name: name })}
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
      </IconButton>
    </div>
  );
}
