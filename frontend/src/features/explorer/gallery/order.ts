// The gallery's order: folders and other files first, in the folder's order, then the photos
// and videos; by the time they were taken when the folder is sorted by modified time (Cloudreve's
// gallery does the same), else in the folder's order. Dates are wall-clock keys
// ("YYYY-MM-DDTHH:MM:SS"): a photo's EXIF time as its camera showed it, a file's own dates in
// this browser's time zone, so a day's photos group under the day they were taken there.
import type { FileInfo } from "../../../api/client";
import { FOLDER, type Order } from "../../../api/files/listing";

/** Pictures and videos: what the gallery lays out as photos. */
const MEDIA =
  /\.(jpe?g|jpe|png|gif|webp|bmp|heic|heif|avif|svg|tiff?|dng|mp4|mkv|webm|mov|avi|m4v)$/i;

/** The EXIF time a picture was taken (RFC 3339 with the camera's offset). */
export const TAKEN_AT = "exif:taken_at";

export function isMedia(file: FileInfo): boolean {
  return file.type !== FOLDER && MEDIA.test(file.name);
}

/** The files as the gallery shows them (see the top of this file). */
export function galleryOrder(files: FileInfo[], order: Order): FileInfo[] {
  const others = files.filter((f) => !isMedia(f));
  const media = files.filter(isMedia);
  if (order.order_by !== "updated_at") return others.length ? [...others, ...media] : files;
  const dir = order.order_direction === "desc" ? -1 : 1;
  const keyed = media.map((file, i) => ({ file, i, key: dateKey(file, order.order_by) }));
  // Stable: photos taken at the same second keep the folder's order.
  keyed.sort((a, b) => (a.key < b.key ? -dir : a.key > b.key ? dir : a.i - b.i));
  return [...others, ...keyed.map((k) => k.file)];
}

/** Whether the order is by a date, the one where the gallery shows date headers. */
export function datedOrder(order: Order): boolean {
  return order.order_by === "updated_at" || order.order_by === "created_at";
}

/** The wall-clock time a file is dated by in the gallery sorted by `orderBy`. */
export function dateKey(file: FileInfo, orderBy: Order["order_by"]): string {
  if (orderBy === "created_at") return localKey(file.created_at);
  const wall = file.metadata?.[TAKEN_AT]?.match(/^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})/);
  if (wall) return `${wall[1]}T${wall[2]}`;
  return localKey(file.updated_at);
}

/** An instant as this browser's wall clock; "" when there is none. */
function localKey(iso: string | null | undefined): string {
  const at = new Date(iso ?? "");
  if (Number.isNaN(at.getTime())) return "";
  const two = (n: number) => String(n).padStart(2, "0");
  return (
    `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())}` +
    `T${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}`
  );
}

/** Beyond this many days of photos loaded, they are grouped by month. */
const MONTHS_FROM = 60;

/**
 * The day ("YYYY-MM-DD") of each photo from `first` on, or its month ("YYYY-MM") when the photos
 * span more than [`MONTHS_FROM`] days: a header per day would then show a few photos each.
 */
export function periods(files: FileInfo[], first: number, orderBy: Order["order_by"]): string[] {
  const keys = files.map((f, i) => (i < first ? "" : dateKey(f, orderBy)));
  const days = new Set(keys.slice(first).map((k) => k.slice(0, 10)));
  const length = days.size > MONTHS_FROM ? 7 : 10;
  return keys.map((k) => k.slice(0, length));
}

/** A day ("YYYY-MM-DD") or a month ("YYYY-MM") as the header shows it, in `language`. */
export function periodLabel(period: string, language: string): string {
  const [y, m, d] = period.split("-").map(Number);
  if (!y || !m) return period;
  const at = new Date(Date.UTC(y, m - 1, d || 1));
  // UTC both ways: the key is already the wall-clock day, no time zone may move it.
  return at.toLocaleDateString(language, {
    timeZone: "UTC",
    ...(d ? { dateStyle: "full" } : { year: "numeric", month: "long" }),
  });
}
