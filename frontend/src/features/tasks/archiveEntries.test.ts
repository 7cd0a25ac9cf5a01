// The extract picker's rows and the mask a selection becomes.
import { describe, expect, it } from "vitest";
import { entryRows, maskOf, toggle } from "./archiveEntries";

const listed = [
  { name: "/tree/a.txt", size: 3, is_directory: false },
  { name: "/tree/sub/b.bin", size: 5, is_directory: false },
  { name: "/tree/sub", size: 0, is_directory: true },
  { name: "/top.txt", size: 1, is_directory: false },
];

describe("archive entries", () => {
  it("rows come in tree order with implied folders", () => {
    const rows = entryRows(listed);
    expect(rows.map((r) => r.path)).toEqual([
      "top.txt",
      "tree",
      "tree/a.txt",
      "tree/sub",
      "tree/sub/b.bin",
    ]);
    expect(rows.find((r) => r.path === "tree")?.folder).toBe(true);
  });

  it("a selection becomes the smallest mask", () => {
    const rows = entryRows(listed);
    const row = (path: string) => {
      const found = rows.find((r) => r.path === path);
      if (!found) throw new Error(path);
      return found;
    };
    const all = new Set(rows.map((r) => r.path));
    expect(maskOf(rows, all)).toBeUndefined();
    const noA = toggle(rows, all, row("tree/a.txt"));
    expect(noA.has("tree")).toBe(false);
    expect(maskOf(rows, noA)).toEqual(["top.txt", "tree/sub"]);
    const none = toggle(rows, new Set(), row("tree/sub"));
    expect(maskOf(rows, none)).toEqual(["tree/sub"]);
    expect(toggle(rows, none, row("tree/a.txt")).has("tree")).toBe(true);
  });
});
