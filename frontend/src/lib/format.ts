// Sizes and dates as people read them.

const UNITS = ["B", "KB", "MB", "GB", "TB", "PB"];

/** 1536 → "1.5 KB" (binary multiples, one decimal below 100). */
export function formatBytes(bytes: number): string {
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
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

/** 10000 → "10,000" in English, with the language's grouping. */
export function formatCount(count: number, language: string): string {
  return count.toLocaleString(language);
}

export function formatDate(iso: string, language: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return date.toLocaleString(language, { dateStyle: "medium", timeStyle: "short" });
}

/**
 * How much of `total` is used, 0–100, rounded to hundredths: a tiny share would otherwise reach a
 * progress bar's `aria-valuenow` in exponent form (`7.45e-7`), which is not a valid ARIA number.
 */
export function usedPercent(used: number, total: number): number {
  if (!total) return 0;
  return Math.round(Math.min(100, (used / total) * 100) * 100) / 100;
}
