// The files of a folder as rows (list) or cards with thumbnails (grid): only those in view are
// drawn (TanStack Virtual), and the next cursor page is fetched when the last loaded row comes
// into view. A `grid` with multi-selection: the row with the keyboard focus holds the one
// tabbable element, the keys are handled by the explorer (onKeyDown).
// biome-ignore-all lint/a11y/useSemanticElements: a virtualized ARIA grid; table elements cannot be absolutely placed rows
// biome-ignore-all lint/a11y/useFocusableInteractive: roving focus: each row's button takes it, the grid handles the keys
// biome-ignore-all lint/a11y/useKeyWithClickEvents: the keys of a row are handled by the grid (onKeyDown)
import { Loader } from "@mantine/core";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { FOLDER } from "../../api/listing";
import { useColumnPrefs } from "./columnPrefs";
import { type FileListProps, Item } from "./FileItem";
import classes from "./FileList.module.css";
import { ListHeader } from "./ListHeader";
import { type Column, useListColumns, widthStyle } from "./listColumns";

type Props = FileListProps;

const ROW_HEIGHT = 52;
const CARD_WIDTH = 168;
const CARD_HEIGHT = 196;

export { FOLDER };

export function FileList(props: Props) {
  const { files, mode } = props;
  const { t } = useTranslation();
  const { scroller, columns, rows, items } = useFileRows(props);
  const height = mode === "grid" ? CARD_HEIGHT : ROW_HEIGHT;
  const prefs = useColumnPrefs();
  const listColumns = useListColumns({
    trash: !!props.trash,
    search: !!props.showParent,
    props: props.propColumns ?? [],
    prefs: prefs.prefs,
  });
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
      <div className={classes.rows} style={{ height: rows.getTotalSize() }}>
        {items.map((line) => (
          <Line
            key={
              line.index * columns >= files.length
                ? "more"
                : (files[line.index * columns]?.path ?? line.index)
            }
            props={props}
            first={line.index * columns}
            count={columns}
            style={{ transform: `translateY(${line.start}px)`, height }}
            columns={mode === "list" ? listColumns : undefined}
          />
        ))}
      </div>
    </div>
  );
}

/** The header of the list: its columns, order, widths and the loaded rows' checkbox. */
function ListHead({
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
      selected={selection.selected.size}
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
}

/** One virtual line: a row of the list, a line of cards, or the loader of the next page. */
function Line({
  props,
  first,
  count,
  style,
  columns,
}: {
  props: Props;
  first: number;
  count: number;
  style: React.CSSProperties;
  columns?: Column[];
}) {
  const { t } = useTranslation();
  const { files } = props;
  if (first >= files.length) {
    return (
      <div role="row" className={`${classes.line} ${classes.more}`} style={style}>
        <div role="gridcell">
          <Loader size="sm" aria-label={t("explorer.loadingMore")} />
        </div>
      </div>
    );
  }
  if (columns) return <Item index={first} style={style} props={props} columns={columns} />;
  return (
    <div role="presentation" className={classes.line} style={style}>
      {files.slice(first, first + count).map((file, i) => (
        <Item key={file.path} index={first + i} props={props} />
      ))}
    </div>
  );
}

/**
 * The virtual lines (a row, or a line of cards as wide as the list allows), the next page
 * fetched when the last loaded line comes into view, and the focused row kept in view.
 */
function useFileRows(props: Props) {
  const { files, hasMore, loadingMore, loadMore, mode, selection } = props;
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

  return { scroller, columns, rows, items };
}
