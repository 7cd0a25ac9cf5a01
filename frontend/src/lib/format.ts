// Sizes, counts and dates as people read them, in the language the UI shows: every helper takes
// the chosen language unless it is given another, so a page switched to ja-JP or zh-TW shows its
// dates and numbers the way that language writes them (Intl), not in the browser's defaults.
import i18n from "../i18n";

const UNITS = ["B", "KB", "MB", "GB", "TB", "PB"];

// An Intl formatter is costly to make (tens of microseconds) and a list formats a size and two
// dates per row it mounts: each is made once per language and options.
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function numberFormat(locale: string, digits: number): Intl.NumberFormat {
  const key = `n ${locale} ${digits}`;
  let f = formatters.get(key) as Intl.NumberFormat | undefined;
  if (!f) {
    f = new Intl.NumberFormat(locale, {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    formatters.set(key, f);
  }
  return f;
}
function dateTimeFormat(locale: string): Intl.DateTimeFormat {
  const key = `d ${locale}`;
  let f = formatters.get(key) as Intl.DateTimeFormat | undefined;
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
    formatters.set(key, f);
  }
  return f;
}

/** The language sizes, counts and dates follow: the one the UI shows. */
export function uiLocale(): string {
  return i18n.language || "en-US";
}

/** 1536 → "1.5 KB" (binary multiples, one decimal below 100), digits in the locale's format. */
export function formatBytes(bytes: number, locale = uiLocale()): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  // Just under a unit boundary rounds up to it: 1,048,571 bytes reads "1.0 MB", not "1024 KB".
  if (unit > 0 && unit < UNITS.length - 1 && Math.round(value) >= 1024) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  const number = numberFormat(locale, digits).format(value);
  return `${number} ${UNITS[unit]}`;
}

/** 10000 → "10,000" in English, with the language's grouping. */
export function formatCount(count: number, locale = uiLocale()): string {
  return count.toLocaleString(locale);
}

function parse(iso: string): Date | undefined {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** A moment, date and time: "Nov 26, 2026, 5:53 PM", "2026/11/26 17:53", "2026年11月26日 下午5:53". */
export function formatDate(iso: string, locale = uiLocale()): string {
  const date = parse(iso);
  return date ? dateTimeFormat(locale).format(date) : "";
}

/** A day without its time: "Nov 26, 2026", "2026/11/26", "2026年11月26日". */
export function formatDay(iso: string, locale = uiLocale()): string {
  return parse(iso)?.toLocaleDateString(locale, { dateStyle: "medium" }) ?? "";
}

/** A day of this year, short, for chart axes: "Nov 26", "11月26日". */
export function formatMonthDay(iso: string, locale = uiLocale()): string {
  return parse(iso)?.toLocaleDateString(locale, { month: "short", day: "numeric" }) ?? "";
}

/**
 * How much of `total` is used, 0–100, rounded to hundredths: a tiny share would otherwise reach a
 * progress bar's `aria-valuenow` in exponent form (`7.45e-7`), which is not a valid ARIA number.
 */
export function usedPercent(used: number, total: number): number {
  if (!total) return 0;
  return Math.round(Math.min(100, (used / total) * 100) * 100) / 100;
}
