import { expect, it } from "vitest";
import { formatBytes, formatCount, formatDate, formatDay, usedPercent } from "./format";

it("formats sizes with binary multiples", () => {
  expect(formatBytes(0)).toBe("0 B");
  expect(formatBytes(1023)).toBe("1,023 B");
  expect(formatBytes(1536)).toBe("1.5 KB");
  expect(formatBytes(1024 * 1024 - 5)).toBe("1.0 MB");
  expect(formatBytes(30 * 1024 * 1024)).toBe("30.0 MB");
  expect(formatBytes(200 * 1024 ** 3)).toBe("200 GB");
});

it("rounds a used share to a plain number, not exponent form", () => {
  expect(usedPercent(8, 10 * 1024 ** 3)).toBe(0);
  expect(String(usedPercent(1, 3))).toBe("33.33");
  expect(usedPercent(5, 0)).toBe(0);
  expect(usedPercent(20, 10)).toBe(100);
});

it("writes sizes, counts and dates the way the language does", () => {
  expect(formatBytes(1536, "de-DE")).toBe("1,5 KB");
  expect(formatBytes(1536, "ja-JP")).toBe("1.5 KB");
  expect(formatCount(12345, "de-DE")).toBe("12.345");
  // Noon UTC is the same day in every time zone the viewer may be in.
  const at = "2026-11-26T12:00:00Z";
  expect(formatDay(at, "zh-TW")).toBe("2026年11月26日");
  expect(formatDay(at, "ja-JP")).toBe("2026/11/26");
  expect(formatDay(at, "en-US")).toBe("Nov 26, 2026");
  expect(formatDate(at, "ja-JP")).toMatch(/^2026\/11\/26 \d{1,2}:00$/);
  expect(formatDate("not a date", "ja-JP")).toBe("");
});

it("follows the language the UI shows when given none", async () => {
  const { default: i18n } = await import("../i18n");
  await i18n.init({ lng: "en-US", resources: {} });
  await i18n.changeLanguage("de-DE");
  expect(formatBytes(1536)).toBe("1,5 KB");
  await i18n.changeLanguage("en-US");
  expect(formatBytes(1536)).toBe("1.5 KB");
});
