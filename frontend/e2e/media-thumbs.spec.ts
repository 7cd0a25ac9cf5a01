// Media in the web UI with the external generators on: a video, a tagged song with a cover, a
// PDF and a HEIC picture show thumbnails in the grid; the info panel shows the song's tags and
// cover and the video's streams; the audio preview shows the cover; and the console's media tab
// tests an executable (the version found, or why it cannot run). Screenshots in light and dark,
// English and Simplified Chinese, desktop and 390 px wide.
import { rmSync } from "node:fs";
import { expect, type Locator, type Page, test } from "@playwright/test";
import { ACCOUNTS } from "./accounts";
import { openAdmin } from "./admin-helpers";
import { apiAs, signInPage, snap } from "./helpers";
import { heic, letter, pdf, SONG, song, video } from "./media";
import { newAccount, setSiteSettings } from "./site";
import { driveOf, tempDir } from "./transfers";

const GENERATORS = {
  thumb_ffmpeg_enabled: "1",
  thumb_ffmpeg_path: "ffmpeg",
  thumb_poppler_enabled: "1",
  thumb_heif_enabled: "1",
  thumb_music_cover_enabled: "1",
  media_meta: "1",
  media_meta_music: "1",
  media_meta_ffprobe: "1",
};

const FILES = ["clip.mp4", "song.mp3", "paper.pdf", "green.heic"];

/** The decoded width of the grid card's thumbnail of `name` (0 while it is the icon). */
const thumbWidth = (page: Page, name: string) =>
  page
    .getByRole("button", { name, exact: true })
    .locator("img")
    .evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0))
    .catch(() => 0);

const decoded = (img: Locator) =>
  img.evaluate((i: HTMLImageElement) => (i.complete ? i.naturalWidth : 0));

/** Waits until every grid card shows its decoded thumbnail. */
async function thumbsShown(page: Page) {
  for (const name of FILES) {
    await expect
      .poll(() => thumbWidth(page, name), { timeout: 60_000, message: name })
      .toBeGreaterThan(0);
  }
}

/** The grid and the song's info in dark Simplified Chinese, then the grid 390 px wide. */
async function looks(page: Page, info: Parameters<typeof snap>[1]) {
  await page.evaluate(() => {
    localStorage.setItem("mantine-color-scheme-value", "dark");
    localStorage.setItem("stratus.language", "zh-CN");
  });
  await page.reload();
  await thumbsShown(page);
  await snap(page, info, "media-grid-dark-zh");
  await page.getByRole("button", { name: "song.mp3", exact: true }).click();
  await page.keyboard.press("Alt+Enter");
  const panel = page.getByRole("complementary", { name: "song.mp3" });
  await panel.getByRole("img", { name: "song.mp3 的封面" }).scrollIntoViewIfNeeded();
  await snap(page, info, "media-info-song-dark-zh");
  await page.evaluate(() => {
    localStorage.setItem("mantine-color-scheme-value", "light");
    localStorage.setItem("stratus.language", "en-US");
  });
  await page.setViewportSize({ width: 390, height: 800 });
  await page.reload();
  await thumbsShown(page);
  await snap(page, info, "media-grid-390");
  await page.getByRole("button", { name: "clip.mp4", exact: true }).click();
  await page.keyboard.press("Alt+Enter");
  const drawer = page.getByRole("dialog", { name: "clip.mp4" });
  await drawer.getByTestId("streams").scrollIntoViewIfNeeded();
  await snap(page, info, "media-info-video-390");
}

test("thumbnails in the grid, music and stream details, the cover in the audio preview", async ({
  page,
  request,
}, info) => {
  test.setTimeout(180_000);
  const admin = await apiAs(request, ACCOUNTS.admin);
  const before = await admin<Record<string, string>>("POST", "/admin/settings", {
    body: { keys: Object.keys(GENERATORS) },
  });
  await setSiteSettings(request, GENERATORS);
  const dir = tempDir();
  try {
    const account = await newAccount(request, "media");
    const drive = await driveOf(request, account);
    await drive.put("cloudreve://my/clip.mp4", video(dir));
    await drive.put("cloudreve://my/song.mp3", song(dir));
    await drive.put("cloudreve://my/paper.pdf", pdf());
    await drive.put("cloudreve://my/green.heic", heic(dir));
    // The tags and streams are read by a background task after each upload.
    const metadata = async (name: string) =>
      (
        await drive.call<{ metadata?: Record<string, string> }>("GET", "/file/info", {
          query: { uri: `cloudreve://my/${name}` },
        })
      ).metadata ?? {};
    await expect
      .poll(async () => (await metadata("song.mp3"))["music:title"], {
        timeout: 60_000,
      })
      .toBe(SONG.title);
    await expect
      .poll(async () => (await metadata("clip.mp4"))["stream:streams"] ?? "", {
        timeout: 60_000,
      })
      .toContain("h264");

    await signInPage(page, account as never);
    await page.getByRole("button", { name: "Show as thumbnails" }).click();
    await thumbsShown(page);
    await snap(page, info, "media-grid");

    await page.getByRole("button", { name: "song.mp3", exact: true }).click();
    await page.keyboard.press("Alt+Enter");
    const panel = page.getByRole("complementary", { name: "song.mp3" });
    const music = panel.getByTestId("music");
    for (const text of [SONG.title, SONG.artist, SONG.album, SONG.year, "0:02"]) {
      await expect(music).toContainText(text);
    }
    await expect(music.getByRole("row", { name: /Track/ })).toContainText("3");
    await expect
      .poll(() => decoded(panel.getByRole("img", { name: "Cover of song.mp3" })))
      .toBeGreaterThan(0);
    await expect(panel.getByTestId("streams")).toContainText("MP3");
    // The cover is a picture stream of the song, not a video.
    await expect(panel.getByTestId("streams")).not.toContainText("Video codec");
    await panel.getByTestId("streams").scrollIntoViewIfNeeded();
    await snap(page, info, "media-info-song");

    await page.getByRole("button", { name: "clip.mp4", exact: true }).click();
    const clip = page.getByRole("complementary", { name: "clip.mp4" });
    const streams = clip.getByTestId("streams");
    for (const text of ["0:02", "H.264", "160 × 120", "AAC", "stereo"]) {
      await expect(streams).toContainText(text === "stereo" ? /mono|stereo/ : text);
    }
    await expect(clip.getByTestId("music")).toHaveCount(0);
    await streams.scrollIntoViewIfNeeded();
    await snap(page, info, "media-info-video");
    await page.keyboard.press("Escape");

    await page.getByRole("button", { name: "song.mp3", exact: true }).dblclick();
    const dialog = page.getByRole("dialog");
    await expect(dialog.getByTestId("preview-audio")).toBeVisible();
    const cover = dialog.getByRole("img", { name: "Cover of song.mp3" });
    await expect.poll(() => decoded(cover)).toBeGreaterThan(0);
    await snap(page, info, "media-audio-preview");
    await page.keyboard.press("Escape");

    // A HEIC picture, which the browser cannot draw, opens in the gallery as its thumbnail.
    await page.getByRole("button", { name: "green.heic", exact: true }).dblclick();
    const picture = page.getByRole("dialog").getByTestId("preview-image");
    await expect.poll(() => decoded(picture)).toBeGreaterThan(0);
    await page.keyboard.press("Escape");

    await looks(page, info);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await setSiteSettings(request, before);
  }
});

test("a PDF's card shows its whole first page, not a cut of its blank middle", async ({
  page,
  request,
}, info) => {
  const admin = await apiAs(request, ACCOUNTS.admin);
  const keys = ["thumb_poppler_enabled"];
  const before = await admin<Record<string, string>>("POST", "/admin/settings", { body: { keys } });
  await setSiteSettings(request, { thumb_poppler_enabled: "1" });
  try {
    const account = await newAccount(request, "pages");
    const drive = await driveOf(request, account);
    await drive.put("cloudreve://my/report.pdf", letter());
    await signInPage(page, account as never);
    await page.getByRole("button", { name: "Show as thumbnails" }).click();
    await expect.poll(() => thumbWidth(page, "report.pdf"), { timeout: 60_000 }).toBeGreaterThan(0);
    const img = page.getByRole("button", { name: "report.pdf", exact: true }).locator("img");
    // The page is portrait, the card's picture box is not: the page is scaled into it whole.
    const fit = await img.evaluate((i: HTMLImageElement) => ({
      objectFit: getComputedStyle(i).objectFit,
      page: i.naturalWidth / i.naturalHeight,
      box: i.clientWidth / i.clientHeight,
    }));
    expect(fit.page).toBeLessThan(1);
    expect(fit.box).toBeGreaterThan(fit.page);
    expect(fit.objectFit).toBe("contain");
    await snap(page, info, "media-grid-pdf-page");
    await page.emulateMedia({ colorScheme: "dark" });
    await snap(page, info, "media-grid-pdf-page-dark");
  } finally {
    await setSiteSettings(request, before);
  }
});

test("the media tab's Save and Undo stay in view while the long tab scrolls", async ({
  page,
}, info) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await openAdmin(page, "settings");
  await page.getByRole("tab", { name: "Media" }).click();
  const save = page.getByRole("button", { name: "Save", exact: true });
  const undo = page.getByRole("button", { name: "Undo changes" });
  // The tab is several screens tall; its buttons are at the window's bottom from the start.
  expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeGreaterThan(2000);
  await expect(save).toBeInViewport();
  const card = page.getByTestId("generator-ffmpeg");
  await card.getByRole("textbox", { name: "Executable" }).fill("/usr/local/bin/ffmpeg");
  await expect(save).toBeEnabled();
  await expect(save).toBeInViewport();
  await snap(page, info, "media-admin-save-top");
  // Down the page, still there.
  await page.getByTestId("generator-poppler").scrollIntoViewIfNeeded();
  await expect(undo).toBeInViewport();
  await page.emulateMedia({ colorScheme: "dark" });
  await snap(page, info, "media-admin-save-scrolled-dark");
  await undo.click();
  await expect(card.getByRole("textbox", { name: "Executable" })).toHaveValue("ffmpeg");
  await expect(save).toBeDisabled();
});

test("the console's media tab shows each executable's version as it opens, and tests a path: the version, or why it cannot run", async ({
  page,
}, info) => {
  await openAdmin(page, "settings");
  await page.getByRole("tab", { name: "Media" }).click();
  const card = page.getByTestId("generator-ffmpeg");
  // The saved path is checked as the tab opens: the version shows without a click.
  await expect(card.getByRole("status")).toContainText(/ffmpeg version/i);
  await card.getByRole("button", { name: "Test FFmpeg" }).click();
  await expect(card.getByRole("status")).toContainText(/ffmpeg version/i);

  await card.getByRole("textbox", { name: "Executable" }).fill("/nonexistent/ffmpeg");
  await card.getByRole("button", { name: "Test FFmpeg" }).click();
  const error = card.getByRole("alert");
  await expect(error).toContainText("Cannot run it");
  await expect(error).toContainText("/nonexistent/ffmpeg");
  await card.scrollIntoViewIfNeeded();
  await snap(page, info, "media-admin");

  // Nothing was saved: the path is back after a reset.
  await page.getByRole("button", { name: "Undo changes" }).click();
  await expect(card.getByRole("textbox", { name: "Executable" })).toHaveValue("ffmpeg");

  await page.evaluate(() => {
    localStorage.setItem("mantine-color-scheme-value", "dark");
    localStorage.setItem("stratus.language", "zh-CN");
  });
  await page.reload();
  await page.getByRole("tab", { name: "媒体" }).click();
  await page.getByTestId("generator-ffmpeg").getByRole("button", { name: "测试 FFmpeg" }).click();
  await expect(page.getByTestId("generator-ffmpeg").getByRole("status")).toBeVisible();
  await snap(page, info, "media-admin-dark-zh");
  await page.evaluate(() => {
    localStorage.setItem("mantine-color-scheme-value", "light");
    localStorage.setItem("stratus.language", "en-US");
  });
  await page.setViewportSize({ width: 390, height: 800 });
  await page.reload();
  // On a phone the sections are a list to pick from, not tabs.
  await page.getByRole("combobox", { name: "Settings section" }).selectOption({ label: "Media" });
  await page.getByTestId("generator-poppler").scrollIntoViewIfNeeded();
  await snap(page, info, "media-admin-390");
});
