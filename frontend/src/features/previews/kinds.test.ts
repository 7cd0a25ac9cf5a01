import { expect, it } from "vitest";
import { drawable, previewKind, setViewerDefaults } from "./kinds";

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

it("opens HEIC and camera RAW in the gallery, drawn from their thumbnails", () => {
  expect(previewKind("IMG_0001.HEIC")).toBe("image");
  expect(previewKind("DSC_0001.nef")).toBe("image");
  expect(drawable("IMG_0001.HEIC")).toBe(false);
  expect(drawable("DSC_0001.cr2")).toBe(false);
  expect(drawable("photo.jpg")).toBe(true);
});

it("lets the site's viewer_default_apps choose, in Cloudreve's viewer ids or its own", () => {
  try {
    setViewerDefaults({ log: "markdown", ".nfo": "monaco", mp3: "video", xyz: "drawio" });
    expect(previewKind("server.LOG")).toBe("markdown");
    expect(previewKind("release.nfo")).toBe("text");
    expect(previewKind("song.mp3")).toBe("video");
    // An app Stratus lacks leaves the extension as it was.
    expect(previewKind("plan.xyz")).toBeUndefined();
    expect(previewKind("paper.pdf")).toBe("pdf");
  } finally {
    setViewerDefaults({});
  }
  expect(previewKind("server.log")).toBe("text");
});
