// Sizes, counts and dates as people read them, in the language the UI shows: every helper takes
// the chosen language unless it is given another, so a page switched to ja-JP or zh-TW shows its
// dates and numbers the way that language writes them (Intl), not in the browser's defaults.
import i18n from "../i18n";

const UNITS = ["B", "KB", "MB", "GB", "TB", "PB"];

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
  const number = new Intl.NumberFormat(locale, {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(value);
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
  return parse(iso)?.toLocaleString(locale, { dateStyle: "medium", timeStyle: "short" }) ?? "";
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
