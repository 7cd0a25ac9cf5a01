// Which optional list columns a person shows and how wide each column is: kept in this
// browser's localStorage under the signed-in user's id (`stratus.columns.<user id>`), so that
// two people sharing a browser each keep their own, and a visitor of a share keeps the
// defaults. Custom property columns stay with the folder's view on the server (view.ts).
import { useCallback, useSyncExternalStore } from "react";
import { getSession } from "../../../api/session";

/** The list columns a person may hide (the name is always shown). */
export type OptionalColumn = "size" | "updated_at" | "created_at";
export const OPTIONAL_COLUMNS: OptionalColumn[] = ["size", "updated_at", "created_at"];

export type ColumnPrefs = {
  hidden: OptionalColumn[];
  /** Widths in pixels by column id, set by dragging a header's edge. */
  widths: Record<string, number>;
};

export const MIN_WIDTH = 60;
export const MAX_WIDTH = 600;
const DEFAULTS: ColumnPrefs = { hidden: [], widths: {} };

function storageKey(): string {
  const user = getSession()?.user.id;
  return `stratus.columns.${user ?? "guest"}`;
}

/** What was saved, kept only where it has the expected shape. */
export function parsePrefs(raw: string | null): ColumnPrefs {
  try {
    const value = JSON.parse(raw ?? "null") as Partial<ColumnPrefs> | null;
    const hidden = Array.isArray(value?.hidden)
      ? OPTIONAL_COLUMNS.filter((c) => value.hidden?.includes(c))
      : [];
    const widths: Record<string, number> = {};
    for (const [id, w] of Object.entries(value?.widths ?? {})) {
      if (typeof w === "number" && Number.isFinite(w)) widths[id] = clampWidth(w);
    }
    return { hidden, widths };
  } catch {
    return DEFAULTS;
  }
}

export function clampWidth(width: number): number {
  return Math.round(Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, width)));
}

// One snapshot per key, so that every list of the page reads the same object until it changes.
let cache: { key: string; prefs: ColumnPrefs } | null = null;
const listeners = new Set<() => void>();

function read(): ColumnPrefs {
  const key = storageKey();
  if (cache?.key !== key) cache = { key, prefs: parsePrefs(localStorage.getItem(key)) };
  return cache.prefs;
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function write(prefs: ColumnPrefs) {
  const key = storageKey();
  cache = { key, prefs };
  localStorage.setItem(key, JSON.stringify(prefs));
  for (const l of listeners) l();
}

export function useColumnPrefs() {
  const prefs = useSyncExternalStore(subscribe, read, () => DEFAULTS);
  const toggle = useCallback((column: OptionalColumn) => {
    const now = read();
    const hidden = now.hidden.includes(column)
      ? now.hidden.filter((c) => c !== column)
      : [...now.hidden, column];
    write({ ...now, hidden });
  }, []);
  const setWidth = useCallback((id: string, width: number) => {
    const now = read();
    write({ ...now, widths: { ...now.widths, [id]: clampWidth(width) } });
  }, []);
  return { prefs, toggle, setWidth };
}
