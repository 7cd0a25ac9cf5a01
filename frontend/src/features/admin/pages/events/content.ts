// An event's content (any JSON the server recorded) as fields a person reads: one line per
// value, nested keys joined with " › ", lists of plain values joined with commas, an admin
// change's `{from, to}` written "from → to", and keys with spaces for underscores. The audit
// log's summary column and the details dialog both read it.

export type Field = { key: string; value: string };

const plain = (v: unknown): string =>
  v === null || v === undefined ? "—" : typeof v === "string" ? v : JSON.stringify(v);

const isChange = (v: unknown): v is { from: unknown; to: unknown } =>
  !!v &&
  typeof v === "object" &&
  !Array.isArray(v) &&
  Object.keys(v).length === 2 &&
  "from" in v &&
  "to" in v;

const label = (key: string) => key.replace(/_/g, " ");

function walk(value: unknown, path: string[], out: Field[]) {
  const key = path.map(label).join(" › ");
  if (isChange(value)) {
    out.push({ key, value: `${plain(value.from)} → ${plain(value.to)}` });
  } else if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== "object")) {
      out.push({ key, value: value.length ? value.map(plain).join(", ") : "—" });
    } else {
      for (const [i, v] of value.entries()) walk(v, [...path, String(i + 1)], out);
    }
  } else if (value && typeof value === "object") {
    const entries = Object.entries(value);
    if (entries.length === 0) out.push({ key, value: "—" });
    for (const [k, v] of entries) walk(v, [...path, k], out);
  } else {
    out.push({ key, value: plain(value) });
  }
}

/** The fields of an event's content; none for an empty one. */
export function contentFields(content: unknown): Field[] {
  if (content === null || content === undefined) return [];
  if (typeof content !== "object") return [{ key: "", value: plain(content) }];
  const out: Field[] = [];
  for (const [k, v] of Object.entries(content)) walk(v, [k], out);
  return out;
}

/** The fields on one line, for the log's summary column. */
export function contentLine(content: unknown): string {
  return contentFields(content)
    .map((f) => (f.key ? `${f.key}: ${f.value}` : f.value))
    .join(" · ");
}
