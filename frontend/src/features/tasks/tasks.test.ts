// The tasks UI's pure helpers: what a task works on, the default zip name, the URL box, and
// which files count as archives.
import i18next from "i18next";
import { describe, expect, it } from "vitest";
import type { FileInfo } from "../../api/client";
import { plainLogLines, renderLogLine } from "../../api/tasks/taskLog";
import { readableLogLine, readablePath, taskEnds } from "../../api/tasks/tasks";
import enUS from "../../i18n/en-US.json";
import zhCN from "../../i18n/zh-CN.json";
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

  it("words a keyed log line in the reader's language, else shows its English text", async () => {
    const i18n = i18next.createInstance();
    await i18n.init({
      resources: { "en-US": { translation: enUS }, "zh-CN": { translation: zhCN } },
      lng: "zh-CN",
      fallbackLng: "en-US",
      interpolation: { escapeValue: false },
    });
    const line = {
      key: "archive.start",
      args: { count: 2, dst: "cloudreve://my/Out/a%20b.zip" },
      text: "compressing 2 item(s) into cloudreve://my/Out/a%20b.zip",
    };
    expect(renderLogLine(line, i18n)).toBe("正在将 2 个项目压缩到 /Out/a b.zip");
    // A key this UI does not know, or none: the server's English text, paths made readable.
    expect(renderLogLine({ ...line, key: "archive.somethingNew" }, i18n)).toBe(
      "compressing 2 item(s) into /Out/a b.zip",
    );
    expect(plainLogLines("old line\n").map((l) => renderLogLine(l, i18n))).toEqual(["old line"]);
    await i18n.changeLanguage("en-US");
    expect(renderLogLine(line, i18n)).toBe("compressing 2 item(s) into /Out/a b.zip");
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
