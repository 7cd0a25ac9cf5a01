// The list view's columns after the name, as one description each (header, width, sort key,
// cell): size, modified and created in a folder (the person picks which, columnPrefs.ts), where
// a search result lives, the custom properties picked for the folder (view.ts), and in the
// trash where each item was, who deleted it and when it will be deleted for good (the server's
// `sys:restore_uri`, `sys:deleted_by` and `sys:expected_collect_time` metadata).

import type { TFunction } from "i18next";
import { type ReactNode, useMemo } from "react";
import { useTranslation } from "react-i18next";
import type { FileInfo } from "../../../api/client";
import { FOLDER, type SortKey } from "../../../api/files/listing";
import { sizeless } from "../../../api/sharing/savedShares";
import { formatBytes, formatDate } from "../../../lib/format";
import { parseUri } from "../../../lib/uri";
import { type CustomProp, PROPS_PREFIX, propText, usePropName } from "../info/CustomProps";
import { type ColumnPrefs, OPTIONAL_COLUMNS, type OptionalColumn } from "./columnPrefs";
import { DeletedBy } from "./DeletedBy";
import classes from "./FileList.module.css";

export type Column = {
  /** Also the key of its saved width. */
  id: string;
  label: string;
  /** Default width in pixels. */
  width: number;
  /** The server's order key, where the header sorts. */
  sort?: SortKey;
  right?: boolean;
  /** Dropped when the list is narrow (a phone, or beside the details panel). */
  wide?: boolean;
  /** Dropped first, when the list is not wide enough for every column. */
  wider?: boolean;
  testId?: string;
  cell: (file: FileInfo) => ReactNode;
};

export const RESTORE_URI = "sys:restore_uri";
export const COLLECT_TIME = "sys:expected_collect_time";

/** `cloudreve://my/Work/2026/plan.txt` → `/Work/2026`. */
export function parentPath(uri: string): string {
  return `/${parseUri(uri)?.segments.slice(0, -1).join("/") ?? ""}`;
}

/** When a trashed item will be deleted for good, as an ISO time; undefined when not known. */
export function purgeTime(file: FileInfo): string | undefined {
  const secs = Number(file.metadata?.[COLLECT_TIME]);
  return Number.isFinite(secs) && secs > 0 ? new Date(secs * 1000).toISOString() : undefined;
}

/** Where a trashed item was: its original folder. */
export function originalFolder(file: FileInfo): string | undefined {
  const uri = file.metadata?.[RESTORE_URI];
  return uri ? parentPath(uri) : undefined;
}

/** The CSS variable that holds a column's width (ids of custom properties are free text). */
export const widthVar = (id: string) => `--col-${id.replace(/[^A-Za-z0-9_-]/g, "_")}`;

type Where = { trash: boolean; search: boolean; props: CustomProp[]; prefs: ColumnPrefs };

/** A cell's text: small, dimmed, cut with an ellipsis (FileList.module.css). */
const dimmed = (text: ReactNode, title?: string) => (
  <span className={classes.dimmed} title={title}>
    {text}
  </span>
);

/**
 * The columns, the same array (and cells) until what they depend on changes: the rows are
 * memoised on them.
 */
export function useListColumns({ trash, search, props, prefs }: Where): Column[] {
  const { t, i18n } = useTranslation();
  const propName = usePropName();
  const language = i18n.language;
  const propsKey = JSON.stringify(props);
  // biome-ignore lint/correctness/useExhaustiveDependencies: props by value (propsKey), propName follows t
  return useMemo(
    () => columnsOf({ trash, search, props, hidden: prefs.hidden, t, propName, language }),
    [trash, search, propsKey, prefs.hidden, t, language],
  );
}

type Built = {
  trash: boolean;
  search: boolean;
  props: CustomProp[];
  hidden: OptionalColumn[];
  t: TFunction;
  propName: (p: CustomProp) => string;
  language: string;
};

/** A file's size; none for a folder; a saved folder share says it is a share link. */
function sizeText(f: FileInfo, t: TFunction): string {
  if (f.type === FOLDER) return "";
  return sizeless(f) ? t("explorer.info.savedShare") : formatBytes(f.size);
}

function columnsOf({ trash, search, props, hidden, t, propName, language }: Built): Column[] {
  const date = (iso?: string | null) => (iso ? formatDate(iso, language) : "");
  const builtin: Record<OptionalColumn, Column> = {
    size: {
      id: "size",
      label: t("explorer.sort.size"),
      width: 90,
      sort: "size",
      right: true,
      cell: (f) => dimmed(sizeText(f, t)),
    },
    updated_at: {
      id: "updated_at",
      label: t("explorer.sort.updated_at"),
      width: 190,
      sort: "updated_at",
      wide: true,
      cell: (f) => dimmed(date(f.updated_at)),
    },
    created_at: {
      id: "created_at",
      label: t("explorer.sort.created_at"),
      width: 190,
      sort: "created_at",
      wide: true,
      wider: true,
      cell: (f) => dimmed(date(f.created_at)),
    },
  };
  if (trash) return trashColumns(builtin, t, date);
  const parent: Column = {
    id: "parent",
    label: t("explorer.folderColumn"),
    width: 200,
    testId: "parent-path",
    cell: (f) => dimmed(parentPath(f.path), parentPath(f.path)),
  };
  return [
    ...(search ? [parent] : []),
    ...OPTIONAL_COLUMNS.filter((c) => !hidden.includes(c)).map((c) => builtin[c]),
    ...props.map(
      (p): Column => ({
        id: `prop-${p.id}`,
        label: propName(p),
        width: 140,
        wide: true,
        testId: `prop-cell-${p.id}`,
        cell: (f) => dimmed(propText(p, f.metadata?.[PROPS_PREFIX + p.id])),
      }),
    ),
  ];
}

/** The classes of a column's header and cells. */
export function columnClass(c: Column, classes: CSSModuleClasses): string {
  return [classes.cell, c.right && classes.right, c.wide && classes.wide, c.wider && classes.wider]
    .filter(Boolean)
    .join(" ");
}

/** The widths in force, as the CSS variables the header and the cells read. */
export function widthStyle(columns: Column[], prefs: ColumnPrefs): Record<string, string> {
  return Object.fromEntries(
    columns.map((c) => [widthVar(c.id), `${prefs.widths[c.id] ?? c.width}px`]),
  );
}

/** The trash's columns: where each item was, when and by whom it was deleted, when it goes. */
function trashColumns(
  builtin: Record<OptionalColumn, Column>,
  t: TFunction,
  date: (iso?: string | null) => string,
): Column[] {
  // The size first, right after the name as in a folder: after the location's left-aligned
  // text its right-aligned figure reads as an empty column.
  return [
    builtin.size,
    {
      id: "origin",
      label: t("explorer.trash.origin"),
      width: 200,
      wide: true,
      testId: "trash-origin",
      cell: (f) => dimmed(originalFolder(f) ?? "", originalFolder(f)),
    },
    {
      ...builtin.updated_at,
      label: t("explorer.trash.deleted"),
      width: 250,
      wider: true,
      cell: (f) =>
        dimmed(
          <>
            {date(f.updated_at)}
            <DeletedBy file={f} />
          </>,
        ),
    },
    {
      id: "purge",
      label: t("explorer.trash.purge"),
      width: 190,
      wide: true,
      testId: "trash-purge",
      cell: (f) => dimmed(date(purgeTime(f))),
    },
  ];
}
