// The files of a folder as rows (list) or cards with thumbnails (grid): only those in view are
// drawn (TanStack Virtual), and the next cursor page is fetched when the last loaded row comes
// into view. A `grid` with multi-selection: the row with the keyboard focus holds the one
// tabbable element, the keys are handled by the explorer (onKeyDown).
//
// While the list scrolls only `Lines` re-renders (the virtualizer's state is its own), and each
// line is a memoised FileRow: the header, the rows already shown and the explorer around stay
// as they are, and a page fetched on the way adds rows without re-rendering the others.
// biome-ignore-all lint/a11y/useSemanticElements: a virtualized ARIA grid; table elements cannot be absolutely placed rows
// biome-ignore-all lint/a11y/useFocusableInteractive: roving focus: each row's button takes it, the grid handles the keys
// biome-ignore-all lint/a11y/useKeyWithClickEvents: the keys of a row are handled by the grid (onKeyDown)
import { Loader } from "@mantine/core";
import { useVirtualizer } from "@tanstack/react-virtual";
import type { TFunction } from "i18next";
import { memo, type RefObject, useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { FOLDER } from "../../../api/files/listing";
import { useWidth } from "../../../lib/useWidth";
import { useColumnPrefs } from "./columnPrefs";
import { type FileListProps, FileRow } from "./FileItem";
import classes from "./FileList.module.css";
import { useTakeFocus } from "./keyNav";
import { ListHeader } from "./ListHeader";
import { type Column, useListColumns, widthStyle } from "./listColumns";
import { type RowActions, useRowActions } from "./rowActions";

type Props = FileListProps;

const ROW_HEIGHT = 52;
const CARD_WIDTH = 168;
const CARD_HEIGHT = 196;

export { FOLDER };

export function FileList(props: Props) {
  const { files, mode } = props;
  const { t } = useTranslation();
  const scroller = useRef<HTMLDivElement>(null);
  const width = useWidth(scroller);
  const columns = mode === "grid" ? Math.max(1, Math.floor((width || CARD_WIDTH) / CARD_WIDTH)) : 1;
  const prefs = useColumnPrefs();
  const listColumns = useListColumns({
    trash: !!props.trash,
    search: !!props.showParent,
    props: props.propColumns ?? [],
    prefs: prefs.prefs,
  });
  const actions = useRowActions(props);
  useTakeFocus(props.refocus, scroller, files[0]?.path);
  return (
    <div
      ref={scroller}
      className={classes.scroller}
      style={widthStyle(listColumns, prefs.prefs)}
      role="grid"
      aria-label={t("explorer.files")}
      aria-multiselectable
      aria-rowcount={files.length}
      tabIndex={-1}
      onKeyDown={(e) => props.onKeyDown(e, columns)}
    >
      {mode === "list" && <ListHead props={props} columns={listColumns} prefs={prefs} />}
      <Lines
        props={props}
        scroller={scroller}
        perLine={columns}
        columns={mode === "list" ? listColumns : undefined}
        actions={actions}
        t={t}
      />
    </div>
  );
}

/** The header of the list: its columns, order, widths and the loaded rows' checkbox. */
const ListHead = memo(function ListHead({
  props,
  columns,
  prefs,
}: {
  props: Props;
  columns: Column[];
  prefs: ReturnType<typeof useColumnPrefs>;
}) {
  const { selection, onPropIds } = props;
  return (
    <ListHeader
      columns={columns}
      widths={prefs.prefs.widths}
      order={props.order}
      onSort={props.onSort}
      loaded={props.files.length}
      // The rows on screen that are selected: the selection is kept by path, and may still
      // hold a path that left the folder (renamed, restored, moved elsewhere).
      selected={selection.chosen.length}
      onSelectPage={selection.selectAll}
      onClear={selection.clear}
      onWidth={prefs.setWidth}
      chooser={
        props.trash || !onPropIds
          ? undefined
          : {
              hidden: prefs.prefs.hidden,
              onToggle: prefs.toggle,
              props: props.propIds ?? [],
              onProps: onPropIds,
            }
      }
    />
  );
});

type LinesProps = {
  props: Props;
  scroller: RefObject<HTMLDivElement | null>;
  /** Cards on a line of the grid; 1 in the list. */
  perLine: number;
  columns: Column[] | undefined;
  actions: RowActions;
  t: TFunction;
};

/** The virtual lines in view: rows of the list, lines of cards, or the loader of the next page. */
function Lines({ props, scroller, perLine, columns, actions, t }: LinesProps) {
  const { files, mode, selection } = props;
  const { rows, items } = useVirtualLines(props, scroller, perLine);
  const height = mode === "grid" ? CARD_HEIGHT : ROW_HEIGHT;
  return (
    <div className={classes.rows} style={{ height: rows.getTotalSize() }}>
      {items.map((line) => {
        const first = line.index * perLine;
        const file = files[first];
        if (!file) return <MoreLine key="more" top={line.start} height={height} t={t} />;
        if (columns) {
          return (
            <FileRow
              key={file.path}
              file={file}
              index={first}
              selected={selection.selected.has(file.path)}
              focused={selection.focus === first}
              movable={props.movable}
              columns={columns}
              actions={actions}
              t={t}
              top={line.start}
              height={height}
            />
          );
        }
        return (
          <div
            key={file.path}
            role="presentation"
            className={classes.line}
            style={{ top: line.start, height }}
          >
            {files.slice(first, first + perLine).map((f, i) => (
              <FileRow
                key={f.path}
                file={f}
                index={first + i}
                selected={selection.selected.has(f.path)}
                focused={selection.focus === first + i}
                movable={props.movable}
                actions={actions}
                t={t}
              />
            ))}
          </div>
        );
      })}
    </div>
  );
}

/** The line after the last loaded one while the next page is on its way. */
function MoreLine({ top, height, t }: { top: number; height: number; t: TFunction }) {
  return (
    <div role="row" className={`${classes.line} ${classes.more}`} style={{ top, height }}>
      <div role="gridcell">
        <Loader size="sm" aria-label={t("explorer.loadingMore")} />
      </div>
    </div>
  );
}

/**
 * The virtual lines (a row, or a line of cards as wide as the list allows), the next page
 * fetched when the last loaded line comes into view, and the focused row kept in view.
 */
function useVirtualLines(
  props: Props,
  scroller: RefObject<HTMLDivElement | null>,
  perLine: number,
) {
  const { files, hasMore, loadingMore, loadMore, mode, selection } = props;
  const lines = Math.ceil(files.length / perLine) + (hasMore ? 1 : 0);
  const rows = useVirtualizer({
    count: lines,
    getScrollElement: () => scroller.current,
    estimateSize: () => (mode === "grid" ? CARD_HEIGHT : ROW_HEIGHT),
    overscan: mode === "grid" ? 2 : 5,
    // The lines in view are rendered in React's own time rather than synchronously in each
    // scroll event; the overscan covers the frame between.
    useFlushSync: false,
    // Room below the last row, so that the floating selection bar covers none.
    paddingEnd: 72,
  });
  // biome-ignore lint/correctness/useExhaustiveDependencies: row heights change with the mode
  useEffect(() => rows.measure(), [mode, rows]);
  const items = rows.getVirtualItems();
  const lastLine = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    if (hasMore && !loadingMore && (lastLine + 1) * perLine >= files.length) loadMore();
  }, [hasMore, loadingMore, lastLine, perLine, files.length, loadMore]);

  // Keyboard focus follows the focused row: scroll it into view, then focus its button.
  // Not again when a page arrives: that would pull the list back while it is being scrolled.
  const focus = selection.focus;
  const focusLoaded = !!files[focus];
  useEffect(() => {
    const box = scroller.current;
    if (!box?.contains(document.activeElement) || !focusLoaded) return;
    rows.scrollToIndex(Math.floor(focus / perLine));
    const id = requestAnimationFrame(() => {
      box.querySelector<HTMLElement>(`[data-index="${focus}"] [data-focus-target]`)?.focus();
    });
    return () => cancelAnimationFrame(id);
  }, [focus, focusLoaded, perLine, rows, scroller]);

  return { rows, items };
}
