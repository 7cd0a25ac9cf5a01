// The gallery view of a folder: folders and other files first as the grid's cards, then the
// photos in justified rows under the day (or month) they were taken when the order is by date
// (layout.ts, order.ts). Virtualized like the list (TanStack Virtual): only the lines in view are
// drawn, so thumbnails load as they come into view, and the next page is fetched at the end.
// Selection, opening, the context menu and dragging are the grid's; arrows move by tile and row.
// biome-ignore-all lint/a11y/useSemanticElements: a virtualized ARIA grid; table elements cannot be absolutely placed rows
// biome-ignore-all lint/a11y/useFocusableInteractive: roving focus: each tile's button takes it, the grid handles the keys
import { Loader } from "@mantine/core";
import { type KeyboardEvent, useMemo, useRef } from "react";
import { useTranslation } from "react-i18next";
import type { FileInfo } from "../../../api/client";
import { useIsPhone } from "../../../lib/phone";
import { useWidth } from "../../../lib/useWidth";
import { type FileListProps, Item } from "../list/FileItem";
import listClasses from "../list/FileList.module.css";
import { useTakeFocus } from "../list/keyNav";
import { aspectOf, useLearnedAspects } from "./aspect";
import classes from "./Gallery.module.css";
import { type GalleryLine, layoutGallery } from "./layout";
import { datedOrder, isMedia, periodLabel, periods } from "./order";
import { CARD_WIDTH, galleryKeys, useGalleryRows } from "./rows";
import { Tile } from "./Tile";

/** Rows of photos are this tall before they are scaled to fill the width; smaller on a phone. */
const TARGET = 220;
const PHONE_TARGET = 120;
const GAP = 4;
const HEADER = 44;
/** The grid's cards (FileList.tsx), for the folders and other files. */
const CARD = { width: CARD_WIDTH, height: 196 };

export default function Gallery(props: FileListProps) {
  const { t } = useTranslation();
  const scroller = useRef<HTMLDivElement>(null);
  const width = useWidth(scroller);
  const target = useIsPhone() ? PHONE_TARGET : TARGET;
  const { learn, version } = useLearnedAspects();
  const lines = useGalleryLines(props, width, target, version);
  const { rows, items } = useGalleryRows(props, scroller, lines);
  const onKeyDown = (e: KeyboardEvent) => galleryKeys(e, props, lines);
  useTakeFocus(props.refocus, scroller, props.files[0]?.path);
  return (
    <div
      ref={scroller}
      className={listClasses.scroller}
      role="grid"
      aria-label={t("explorer.files")}
      aria-multiselectable
      aria-rowcount={props.files.length}
      tabIndex={-1}
      onKeyDown={onKeyDown}
      data-testid="gallery"
    >
      <div className={listClasses.rows} style={{ height: rows.getTotalSize() }}>
        {items.map((item) => {
          const line = lines[item.index];
          return (
            <LineView
              key={line ? lineKey(line, props.files) : "more"}
              line={line}
              start={item.start}
              props={props}
              onNatural={learn}
            />
          );
        })}
      </div>
    </div>
  );
}

function lineKey(line: GalleryLine, files: FileInfo[]): string {
  if (line.kind === "header") return `h:${line.period}:${line.first}`;
  if (line.kind === "cards") return `c:${line.first}`;
  return `p:${files[line.tiles[0]?.index ?? 0]?.path}`;
}

/** One virtual line: cards, a date, a row of photos, or the loader of the next page. */
function LineView({
  line,
  start,
  props,
  onNatural,
}: {
  line: GalleryLine | undefined;
  start: number;
  props: FileListProps;
  onNatural: (file: FileInfo, width: number, height: number) => void;
}) {
  const { t, i18n } = useTranslation();
  const style = { transform: `translateY(${start}px)`, height: line?.height ?? 52 };
  if (!line) {
    return (
      <div role="row" className={`${listClasses.line} ${listClasses.more}`} style={style}>
        <div role="gridcell">
          <Loader size="sm" aria-label={t("explorer.loadingMore")} />
        </div>
      </div>
    );
  }
  if (line.kind === "header") {
    return (
      <div role="row" className={classes.header} style={style}>
        <div role="columnheader" data-testid="gallery-date">
          {line.period ? periodLabel(line.period, i18n.language) : t("explorer.gallery.undated")}
        </div>
      </div>
    );
  }
  if (line.kind === "cards") {
    return (
      <div role="presentation" className={listClasses.line} style={style}>
        {Array.from({ length: line.count }, (_, i) => line.first + i).map((index) => (
          <Item key={props.files[index]?.path ?? index} index={index} props={props} />
        ))}
      </div>
    );
  }
  return (
    <div role="presentation" className={classes.photos} style={style}>
      {line.tiles.map((place) => (
        <Tile
          key={props.files[place.index]?.path ?? place.index}
          place={place}
          height={line.height - GAP}
          props={props}
          onNatural={onNatural}
        />
      ))}
    </div>
  );
}

/** The lines for the files as ordered for the gallery (folderState.ts, order.ts). */
function useGalleryLines(props: FileListProps, width: number, target: number, version: number) {
  const { files, order } = props;
  const orderBy = order.order_by;
  const dated = datedOrder(order);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` counts learned aspect ratios
  return useMemo(() => {
    const first = files.findIndex(isMedia);
    const others = first < 0 ? files.length : first;
    const keys = dated ? periods(files, others, orderBy) : undefined;
    return layoutGallery({
      count: files.length,
      others,
      aspect: (i) => aspectOf(files[i]),
      period: keys && ((i) => keys[i] ?? ""),
      width: width || 800,
      target,
      gap: GAP,
      card: CARD,
      headerHeight: HEADER,
    });
  }, [files, orderBy, dated, width, target, version]);
}
