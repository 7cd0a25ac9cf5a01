import { expect, it } from "vitest";
import { validName } from "./snapshots";

it("takes snapshot names with spaces, trimmed, as the server does", () => {
  expect(validName("before the move")).toBe(true);
  expect(validName("  daily-2026_11 ")).toBe(true);
  expect(validName("a".repeat(64))).toBe(true);
  for (const bad of ["", "   ", "é", "a/b", "a.b", "a\tb", "a".repeat(65)]) {
    expect(validName(bad), bad).toBe(false);
  }
});
