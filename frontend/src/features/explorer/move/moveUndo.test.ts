import { describe, expect, it } from "vitest";
import { movedBack } from "./moveUndo";

describe("undoing a move", () => {
  it("moves each item from the destination back to the folder it came from", () => {
    const back = movedBack(
      [
        "cloudreve://my/a%20b.txt",
        "cloudreve://my/Docs/c.txt",
        "cloudreve://my/d.txt",
        "cloudreve://my/Docs/Old",
      ],
      "cloudreve://my/Target",
    );
    expect([...back.entries()]).toEqual([
      ["cloudreve://my", ["cloudreve://my/Target/a%20b.txt", "cloudreve://my/Target/d.txt"]],
      ["cloudreve://my/Docs", ["cloudreve://my/Target/c.txt", "cloudreve://my/Target/Old"]],
    ]);
  });

  it("leaves out what is no file URI", () => {
    expect(movedBack(["not a uri", "cloudreve://my"], "cloudreve://my/T").size).toBe(0);
  });
});
