import { expect, it } from "vitest";
import { previewKind } from "./kinds";

it("picks the viewer from the extension", () => {
  expect(previewKind("Holiday.JPG")).toBe("image");
  expect(previewKind("clip.webm")).toBe("video");
  expect(previewKind("song.flac")).toBe("audio");
  expect(previewKind("paper.pdf")).toBe("pdf");
  expect(previewKind("README.md")).toBe("markdown");
  expect(previewKind("main.rs")).toBe("text");
  expect(previewKind("Dockerfile")).toBe("text");
  expect(previewKind("archive.zip")).toBeUndefined();
  expect(previewKind("noextension")).toBeUndefined();
});
