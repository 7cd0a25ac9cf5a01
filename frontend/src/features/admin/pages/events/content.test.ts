import { describe, expect, it } from "vitest";
import { contentFields, contentLine } from "./content";

describe("an event's content as fields", () => {
  it("reads plain values, nested keys, lists and changes", () => {
    const fields = contentFields({
      file_name: "a.txt",
      size: 12,
      uris: ["cloudreve://my/a", "cloudreve://my/b"],
      changes: { max_storage: { from: 1, to: 2 }, name: { from: "a", to: "b" } },
      settings: { region: "x" },
      empty: {},
      none: null,
    });
    expect(fields).toEqual([
      { key: "file name", value: "a.txt" },
      { key: "size", value: "12" },
      { key: "uris", value: "cloudreve://my/a, cloudreve://my/b" },
      { key: "changes › max storage", value: "1 → 2" },
      { key: "changes › name", value: "a → b" },
      { key: "settings › region", value: "x" },
      { key: "empty", value: "—" },
      { key: "none", value: "—" },
    ]);
  });

  it("writes one line for the summary, and nothing for no content", () => {
    expect(contentLine({ ids: [1, 2], deleted: 2 })).toBe("ids: 1, 2 · deleted: 2");
    expect(contentLine(null)).toBe("");
    expect(contentLine("text")).toBe("text");
  });
});
