// Content search in the explorer: the snippet the server sends (HTML-escaped text, the matched
// words in `<em>`) as plain parts to render as text and marks, never as HTML; the request for
// the folder on screen and the filters; and where a hit lives.
import type { ContentQuery } from "../../../api/files/contentSearch";
import { formatUri, parseUri } from "../../../lib/uri";

export type SnippetPart = { text: string; mark: boolean };

const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
};

/** Undoes the server's escaping: named and numeric character references. */
export function unescapeHtml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === "#") {
      const code =
        ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : Number(ref.slice(1));
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff
        ? String.fromCodePoint(code)
        : whole;
    }
    return ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

/** `a <em>b</em> c` → text `a `, mark `b`, text ` c`. Any other markup stays literal text. */
export function snippetParts(content: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  const push = (raw: string, mark: boolean) => {
    if (raw) parts.push({ text: unescapeHtml(raw), mark });
  };
  const re = /<em>([\s\S]*?)<\/em>/g;
  let at = 0;
  for (let m = re.exec(content); m; m = re.exec(content)) {
    push(content.slice(at, m.index), false);
    push(m[1] ?? "", true);
    at = m.index + m[0].length;
  }
  push(content.slice(at), false);
  return parts;
}

/** The folder a file's URI is in. */
export function folderOf(path: string): string {
  const parsed = parseUri(path);
  if (!parsed) return path;
  return formatUri({ ...parsed, segments: parsed.segments.slice(0, -1) });
}

/** The folder a URI names, read for people: `cloudreve://my/Docs/a` → `/Docs/a`. */
export function shownPath(uri: string): string {
  const parsed = parseUri(uri);
  return parsed ? `/${parsed.segments.join("/")}` : uri;
}

/** The filters of a content search the filter panel edits. */
export type ContentFilters = {
  name: string;
  ext: string;
  updatedFrom: string;
  updatedTo: string;
};

export const NO_CONTENT_FILTERS: ContentFilters = {
  name: "",
  ext: "",
  updatedFrom: "",
  updatedTo: "",
};

function dayBound(day: string, end: boolean): number | undefined {
  const at = Date.parse(`${day}T${end ? "23:59:59" : "00:00:00"}`);
  return day && !Number.isNaN(at) ? Math.floor(at / 1000) : undefined;
}

/** The request for `words` below `folder` with `f`; extensions lower case, without dots. */
export function contentQuery(words: string, folder: string, f: ContentFilters): ContentQuery {
  const ext = f.ext
    .split(/[\s,]+/)
    .map((e) => e.replace(/^\./, "").toLowerCase())
    .filter(Boolean)
    .join(",");
  const q: ContentQuery = { query: words.trim(), uri: folder };
  if (f.name.trim()) q.name = f.name.trim();
  if (ext) q.ext = ext;
  const from = dayBound(f.updatedFrom, false);
  const to = dayBound(f.updatedTo, true);
  if (from !== undefined) q.updated_gte = from;
  if (to !== undefined) q.updated_lte = to;
  return q;
}
