import { describe, expect, it } from "vitest";
import { askConflict, numberedName, pendingQuestions } from "./conflicts";
import { fromInput } from "./pick";

describe("numberedName", () => {
  it("numbers before the extension", () => {
    expect(numberedName("report.pdf", 2)).toBe("report (2).pdf");
    expect(numberedName("archive.tar.gz", 1)).toBe("archive.tar (1).gz");
    expect(numberedName("README", 3)).toBe("README (3)");
    expect(numberedName(".env", 1)).toBe(".env (1)");
  });
});

describe("askConflict", () => {
  it("answers the rest of a batch with a choice made for all", async () => {
    expect(await askConflict("a", { choice: "skip" })).toBe("skip");
    const batch = {};
    const first = askConflict("a.txt", batch);
    const second = askConflict("b.txt", batch);
    const other = askConflict("c.txt", {});
    expect(pendingQuestions().map((q) => q.name)).toEqual(["a.txt", "b.txt", "c.txt"]);
    pendingQuestions()[0]?.answer("rename", true);
    expect(await first).toBe("rename");
    expect(await second).toBe("rename");
    expect(await askConflict("d.txt", batch)).toBe("rename");
    expect(pendingQuestions().map((q) => q.name)).toEqual(["c.txt"]);
    pendingQuestions()[0]?.answer("skip", false);
    expect(await other).toBe("skip");
  });
});

describe("fromInput", () => {
  it("keeps the folders of a folder pick", () => {
    const file = (name: string, path: string) =>
      Object.assign(new File(["x"], name), { webkitRelativePath: path });
    const picked = fromInput([file("a.txt", "photos/2026/a.txt"), file("b.txt", "")]);
    expect(picked.picks.map((p) => [p.file.name, p.dirs])).toEqual([
      ["a.txt", ["photos", "2026"]],
      ["b.txt", []],
    ]);
  });
});
