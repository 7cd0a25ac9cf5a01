import { expect, it } from "vitest";
import { formatBytes } from "./format";

it("formats sizes with binary multiples", () => {
  expect(formatBytes(0)).toBe("0 B");
  expect(formatBytes(1023)).toBe("1023 B");
  expect(formatBytes(1536)).toBe("1.5 KB");
  expect(formatBytes(30 * 1024 * 1024)).toBe("30.0 MB");
  expect(formatBytes(200 * 1024 ** 3)).toBe("200 GB");
});
