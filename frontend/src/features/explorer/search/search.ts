// Search filters <-> the query part of a listing URI (spec §4.1): `cloudreve://my/Docs?name=x&
// case_folding&type=file&category=image&size_gte=…&updated_gte=…&meta_tag:<name>=`. The server
// searches the folder and everything below it.

export type SearchFilters = {
  name: string;
  type: "" | "file" | "folder";
  category: "" | "image" | "video" | "audio" | "document";
  /** Bytes; null for no bound. */
  sizeMin: number | null;
  sizeMax: number | null;
  /** `YYYY-MM-DD`, in the browser's time zone; "" for no bound. */
  updatedFrom: string;
  updatedTo: string;
  tag: string;
};

export const NO_FILTERS: SearchFilters = {
  name: "",
  type: "",
  category: "",
  sizeMin: null,
  sizeMax: null,
  updatedFrom: "",
  updatedTo: "",
  tag: "",
};

const TAG = "meta_tag:";

/** Unix seconds of the start of a day, or of its end with `end`. */
function dayToUnix(day: string, end: boolean): number | null {
  const at = Date.parse(`${day}T${end ? "23:59:59" : "00:00:00"}`);
  return Number.isNaN(at) ? null : Math.floor(at / 1000);
}

function unixToDay(value: string | null): string {
  const seconds = Number(value);
  if (!value || !Number.isFinite(seconds)) return "";
  const d = new Date(seconds * 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The search URI for `filters` below `folder` (a URI without a query); the folder itself when empty. */
export function searchUri(folder: string, f: SearchFilters): string {
  const q = new URLSearchParams();
  if (f.name.trim()) {
    q.append("name", f.name.trim());
    q.append("case_folding", "true");
  }
  if (f.type) q.append("type", f.type);
  if (f.category) q.append("category", f.category);
  if (f.sizeMin) q.append("size_gte", String(f.sizeMin));
  if (f.sizeMax) q.append("size_lte", String(f.sizeMax));
  const from = f.updatedFrom ? dayToUnix(f.updatedFrom, false) : null;
  const to = f.updatedTo ? dayToUnix(f.updatedTo, true) : null;
  if (from !== null) q.append("updated_gte", String(from));
  if (to !== null) q.append("updated_lte", String(to));
  if (f.tag.trim()) q.append(`${TAG}${f.tag.trim()}`, "");
  const query = q.toString();
  return query ? `${folder}?${query}` : folder;
}

/** The folder searched and the filters, from a URI; null when it is no search. */
export function parseSearch(uri: string): { folder: string; filters: SearchFilters } | null {
  const mark = uri.indexOf("?");
  if (mark < 0) return null;
  const q = new URLSearchParams(uri.slice(mark + 1));
  const type = q.get("type");
  const category = q.get("category");
  const tag = [...q.keys()].find((k) => k.startsWith(TAG));
  return {
    folder: uri.slice(0, mark),
    filters: {
      name: q.get("name") ?? "",
      type: type === "file" || type === "folder" ? type : "",
      category:
        (["image", "video", "audio", "document"] as const).find((c) => c === category) ?? "",
      sizeMin: Number(q.get("size_gte")) || null,
      sizeMax: Number(q.get("size_lte")) || null,
      updatedFrom: unixToDay(q.get("updated_gte")),
      updatedTo: unixToDay(q.get("updated_lte")),
      tag: tag ? tag.slice(TAG.length) : "",
    },
  };
}
