// The tasks UI's pure helpers: what a task works on, the default zip name, the URL box, and
// which files count as archives.
import { describe, expect, it } from "vitest";
import type { FileInfo } from "../../api/client";
import { readableLogLine, readablePath, taskEnds } from "../../api/tasks";
import { defaultZipName, isArchive, urlLines } from "./names";

const file = (name: string, type = 0) =>
  ({ name, type, path: `cloudreve://my/${name}` }) as FileInfo;

describe("tasks", () => {
  it("reads the source and destination of a task's summary", () => {
    expect(taskEnds({ summary: { props: { src: ["a", "b"], dst: "c" } } })).toEqual({
      src: ["a", "b"],
      dst: "c",
    });
    expect(taskEnds({ summary: { props: { src: "https://x" } } })).toEqual({
      src: ["https://x"],
      dst: undefined,
    });
    expect(taskEnds({})).toEqual({ src: [], dst: undefined });
  });

  it("shows drive URIs as paths", () => {
    expect(readablePath("cloudreve://my/a%20b/c.zip")).toBe("/a b/c.zip");
    expect(readablePath("cloudreve://my")).toBe("/");
    expect(readablePath("https://example.com/x")).toBe("https://example.com/x");
  });

  it("writes the drive URIs of a log line as paths", () => {
    expect(readableLogLine("compressing 2 item(s) into cloudreve://my/Out/a%20b.zip")).toBe(
      "compressing 2 item(s) into /Out/a b.zip",
    );
    expect(readableLogLine("extracting cloudreve://my/x.zip into cloudreve://my")).toBe(
      "extracting /x.zip into /",
    );
    expect(readableLogLine("saved cloudreve://abc@share/x and https://x/y")).toBe(
      "saved cloudreve://abc@share/x and https://x/y",
    );
  });

  it("names the zip after one file or folder", () => {
    expect(defaultZipName([file("report.pdf")])).toBe("report.zip");
    expect(defaultZipName([file("photos.2024", 1)])).toBe("photos.2024.zip");
    expect(defaultZipName([file("a"), file("b")])).toBe("archive.zip");
  });

  it("takes one URL a line, skipping blank lines", () => {
    expect(urlLines(" https://a \r\n\nmagnet:?xt=1\n  ")).toEqual(["https://a", "magnet:?xt=1"]);
  });

  it("knows archive names", () => {
    expect(isArchive("a.ZIP")).toBe(true);
    expect(isArchive("a.tar.gz")).toBe(true);
    expect(isArchive("a.txt")).toBe(false);
    // Formats the server refuses are not offered.
    expect(isArchive("a.rar")).toBe(false);
    expect(isArchive("a.tar.zst")).toBe(true);
    expect(isArchive("a.7z")).toBe(true);
  });
});
