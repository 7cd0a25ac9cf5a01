import { expect, it } from "vitest";
import { formatBytes, usedPercent } from "./format";

it("formats sizes with binary multiples", () => {
  expect(formatBytes(0)).toBe("0 B");
  expect(formatBytes(1023)).toBe("1023 B");
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
