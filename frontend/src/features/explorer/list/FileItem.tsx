// One file of the list (a row) or of the grid (a card): selected by click (shift, ctrl), opened
// by double click (a tap on touch screens, where a long press selects and taps then toggle),
// dragged onto folders, with its actions menu.
//
// A large folder scrolls through thousands of these, so a row is cheap to mount and re-renders
// only when what it shows changes: it is memoised on its file, place and state, its handlers are
// one object shared by every row that reads the list's latest props when an event comes (so a
// new page, a new selection elsewhere or a scroll leaves it alone), and its cells are plain
// elements styled by FileList.module.css rather than Mantine components.
// biome-ignore-all lint/a11y/useSemanticElements: a virtualized ARIA grid; table elements cannot be absolutely placed rows
// biome-ignore-all lint/a11y/useFocusableInteractive: roving focus: each row's button takes it, the grid handles the keys
// biome-ignore-all lint/a11y/useKeyWithClickEvents: the keys of a row are handled by the grid (onKeyDown)
import { IconDots } from "@tabler/icons-react";
import type { TFunction } from "i18next";
import { type KeyboardEvent, memo, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import type { FileInfo } from "../../../api/client";
import { FOLDER, type Order } from "../../../api/files/listing";
import type { CustomProp } from "../info/CustomProps";
import { type DropHandler, dropTarget } from "../move/dnd";
import { longPressHandlers, TOUCH_FIRST } from "../selection/longPress";
import type { Selection } from "../selection/selection";
import { FileIcon, Thumbnail } from "./FileIcon";
import classes from "./FileList.module.css";
import type { Refocus } from "./keyNav";
import { type Column, columnClass, widthVar } from "./listColumns";
import { type RowActions, useRowActions } from "./rowActions";
import { hasMarks, ShareMarks } from "./ShareMarks";
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
  /** Raised when the keyboard opened this folder: the first row takes the focus (keyNav.ts). */
  refocus?: Refocus;
};

type Props = FileListProps;

/** The file at `index` of the list's props, as a row (with `columns`) or a card (without). */
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
  const { t } = useTranslation();
  const actions = useRowActions(props);
  const file = props.files[index];
  if (!file) return null;
  return (
    <FileRow
      file={file}
      index={index}
      selected={props.selection.selected.has(file.path)}
      focused={props.selection.focus === index}
      movable={props.movable}
      columns={columns}
      actions={actions}
      t={t}
      style={style}
    />
  );
}

export type FileRowProps = {
  file: FileInfo;
  index: number;
  selected: boolean;
  focused: boolean;
  movable: boolean;
  /** A row of the list with these columns after the name; a card of the grid without. */
  columns?: Column[] | undefined;
  actions: RowActions;
  t: TFunction;
  /** Where a row of the virtual list sits, in pixels from the top, and its height. */
  top?: number;
  height?: number;
  style?: React.CSSProperties | undefined;
};

/** A row or card, re-rendered only when one of its props changes. */
export const FileRow = memo(function FileRow(p: FileRowProps) {
  const { file, index, selected, focused, columns, actions, t } = p;
  const list = !!columns;
  const [over, setOver] = useState(false);
  const folder = file.type === FOLDER;
  const press = useMemo(() => longPressHandlers(() => actions.longPress(index)), [actions, index]);
  const drop = useMemo(
    () => (folder && p.movable ? dropTarget(file.path, actions.drop, setOver) : {}),
    [folder, p.movable, file.path, actions],
  );
  const className = `${list ? classes.row : classes.card}${selected ? ` ${classes.selected}` : ""}${over ? ` ${classes.over}` : ""}`;
  const style =
    p.top === undefined ? p.style : { transform: `translateY(${p.top}px)`, height: p.height };
  return (
    <div
      role="row"
      aria-selected={selected}
      aria-rowindex={index + 1}
      data-index={index}
      className={className}
      style={style}
      onClick={(e) => actions.click(e, index)}
      onDoubleClick={() => actions.open(index)}
      onContextMenu={(e) => actions.menu(e, index)}
      {...press}
      draggable={p.movable && !TOUCH_FIRST}
      onDragStart={(e) => actions.dragStart(e, index)}
      {...drop}
    >
      <RowCheck index={index} name={file.name} selected={selected} actions={actions} t={t} />
      <NameCell file={file} index={index} focused={focused} list={list} actions={actions} />
      {columns?.map((c) => (
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
      <MenuCell
        index={index}
        focused={focused}
        label={t("explorer.actionsFor", { name: file.name })}
        actions={actions}
      />
    </div>
  );
});

/** The name with its icon (a row) or thumbnail (a card): the row's one tabbable element. */
function NameCell({
  file,
  index,
  focused,
  list,
  actions,
}: {
  file: FileInfo;
  index: number;
  focused: boolean;
  list: boolean;
  actions: RowActions;
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
          if (!focused) actions.focusOnly(index);
        }}
      >
        {list ? (
          <FileIcon file={file} size={22} />
        ) : (
          <Thumbnail file={file} className={classes.thumb ?? ""} />
        )}
        <span className={list ? classes.label : `${classes.label} ${classes.small}`}>
          {file.name}
        </span>
      </button>
      {/* Beside the button, not in it: the button's name stays the file's name. */}
      {hasMarks(file) && <ShareMarks file={file} />}
    </div>
  );
}

/** The row's checkbox: adds it to the selection or takes it out, the others staying. */
export function RowCheck({
  index,
  name,
  selected,
  actions,
  t,
}: {
  index: number;
  name: string;
  selected: boolean;
  actions: RowActions;
  t: TFunction;
}) {
  return (
    <div role="gridcell" className={classes.check}>
      <input
        type="checkbox"
        className={classes.checkbox}
        tabIndex={-1}
        aria-label={t("explorer.columns.selectOne", { name })}
        checked={selected}
        onClick={(e) => e.stopPropagation()}
        onDoubleClick={(e) => e.stopPropagation()}
        onChange={() => actions.toggle(index)}
      />
    </div>
  );
}

/**
 * The row's actions button. Its name shows on hover and focus like IconButton's tooltip, drawn
 * by CSS (`.tip`) instead of a floating tooltip per row.
 */
export function MenuCell({
  index,
  focused,
  label,
  actions,
}: {
  index: number;
  focused: boolean;
  label: string;
  actions: RowActions;
}) {
  return (
    <div role="gridcell" className={classes.menu}>
      <button
        type="button"
        className={classes.menuButton}
        tabIndex={focused ? 0 : -1}
        aria-label={label}
        aria-haspopup="menu"
        onClick={(e) => actions.menuButton(e, index)}
        onDoubleClick={(e) => e.stopPropagation()}
      >
        <IconDots size={18} aria-hidden />
        <span role="tooltip" className={classes.tip}>
          {label}
        </span>
      </button>
    </div>
  );
}
