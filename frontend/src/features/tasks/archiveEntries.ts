// The entries of an archive as the extract dialog's picker shows them, and the `file_mask` a
// selection becomes. Listed names are paths starting with `/` (`GET /file/archive`); a mask is
// the same path without it, and covers what lies below it.

export type ArchiveEntry = { name: string; size: number; is_directory: boolean };

export type EntryRow = {
  /** The path without the leading `/`. */
  path: string;
  name: string;
  depth: number;
  folder: boolean;
  size: number;
};

/** Rows in tree order (a folder before what it holds); folders only implied by a path are added. */
export function entryRows(entries: ArchiveEntry[]): EntryRow[] {
  const rows = new Map<string, EntryRow>();
  for (const e of entries) {
    const parts = e.name.split("/").filter(Boolean);
    for (let i = 1; i < parts.length; i++) {
      const path = parts.slice(0, i).join("/");
      if (!rows.has(path)) {
        rows.set(path, { path, name: parts[i - 1] ?? "", depth: i - 1, folder: true, size: 0 });
      }
    }
    const path = parts.join("/");
    if (!path) continue;
    rows.set(path, {
      path,
      name: parts[parts.length - 1] ?? path,
      depth: parts.length - 1,
      folder: e.is_directory,
      size: e.size,
    });
  }
  return [...rows.values()].sort((a, b) => comparePaths(a.path, b.path));
}

/** Segment by segment, so that `a/b` comes right after `a` and before `a-b`. */
function comparePaths(a: string, b: string): number {
  const x = a.split("/");
  const y = b.split("/");
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const c = (x[i] ?? "").localeCompare(y[i] ?? "");
    if (c !== 0) return c;
  }
  return x.length - y.length;
}

/** True when `path` is `parent` or lies below it. */
export const within = (path: string, parent: string) =>
  path === parent || path.startsWith(`${parent}/`);

/**
 * The `file_mask` for the checked paths: undefined when everything is checked (the whole
 * archive), else the checked paths whose folder is not itself checked.
 */
export function maskOf(rows: EntryRow[], checked: Set<string>): string[] | undefined {
  if (rows.every((r) => checked.has(r.path))) return undefined;
  const top = [...checked].filter(
    (p) => ![...checked].some((other) => other !== p && within(p, other)),
  );
  return top.sort();
}

/** Checks or unchecks `row` with everything below it; a folder whose children are all
 * checked is checked too, and unchecking a child unchecks its folders. */
export function toggle(rows: EntryRow[], checked: Set<string>, row: EntryRow): Set<string> {
  const next = new Set(checked);
  const on = !checked.has(row.path);
  for (const r of rows) {
    if (within(r.path, row.path)) {
      if (on) next.add(r.path);
      else next.delete(r.path);
    }
  }
  // Folders above: checked exactly when everything below them is.
  const parts = row.path.split("/");
  for (let i = parts.length - 1; i > 0; i--) {
    const folder = parts.slice(0, i).join("/");
    const below = rows.filter((r) => r.path !== folder && within(r.path, folder));
    if (below.every((r) => next.has(r.path))) next.add(folder);
    else next.delete(folder);
  }
  return next;
}
