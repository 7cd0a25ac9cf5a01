// The viewers beyond the basics: code with highlighting, a line count and search (a large file
// read only), audio as a playlist of the folder that moves on by itself, video with the
// subtitles and chapters found beside it, and the administrator's viewer per extension. Each
// in light and dark, at desktop and phone width.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { ACCOUNTS } from "./accounts";
import { openAdmin } from "./admin-helpers";
import { freshUser, signIn } from "./explorer-helpers";
import { type Account, apiAs, snap, snapAll } from "./helpers";
import { driveOf, tempDir } from "./transfers";

/** A mono 16-bit PCM WAV of `seconds` of a tone at 8 kHz. */
function wav(seconds: number, hz: number): Buffer {
  const rate = 8000;
  const samples = Math.round(rate * seconds);
  const out = Buffer.alloc(44 + samples * 2);
  out.write("RIFF", 0, "latin1");
  out.writeUInt32LE(36 + samples * 2, 4);
  out.write("WAVEfmt ", 8, "latin1");
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(rate, 24);
  out.writeUInt32LE(rate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write("data", 36, "latin1");
  out.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) {
    out.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / rate)), 44 + i * 2);
  }
  return out;
}

/** Four seconds of a test pattern as VP8 WebM (seekable: ffmpeg writes its cues). */
function webm(): Buffer {
  const out = join(tempDir(), "clip.webm");
  execFileSync("ffmpeg", [
    ...["-hide_banner", "-loglevel", "error", "-y"],
    ...["-f", "lavfi", "-i", "testsrc=size=320x240:rate=10:duration=4"],
    ...["-c:v", "libvpx", "-b:v", "200k", out],
  ]);
  return readFileSync(out);
}

async function userWithFolder(request: Parameters<typeof driveOf>[0], name: string) {
  const { account } = await freshUser(request, name);
  const drive = await driveOf(request, account as unknown as Account);
  const folder = await drive.folder(name);
  return { account, drive, folder };
}

const dialog = (page: Page) => page.getByRole("dialog");

// Four screenshots each, on a machine the suite shares.
test.describe.configure({ timeout: 120_000 });

test("code is highlighted, counted and searched; a large file opens read only", async ({
  page,
  request,
}, info) => {
  const { account, drive, folder } = await userWithFolder(request, "viewer-code");
  const code = 'fn main() {\n    let greeting = "hello";\n    println!("{greeting}");\n}\n';
  await drive.put(`${folder}/main.rs`, Buffer.from(code));
  const big = Array.from({ length: 60_000 }, (_, i) => `line ${i + 1} of a long log`).join("\n");
  await drive.put(`${folder}/big.log`, Buffer.from(big));
  await page.setViewportSize({ width: 1280, height: 720 });
  await signIn(page, account, folder);

  await page.getByRole("button", { name: "main.rs", exact: true }).dblclick();
  await expect(dialog(page).getByTestId("preview-lines")).toHaveText(/^5 lines · /);
  // The Rust pack arrived: its tokens are spans of their own within the lines.
  await expect(dialog(page).locator(".cm-line span").first()).toBeVisible();
  await expect(dialog(page).locator(".cm-gutters")).toContainText("4");
  await dialog(page).getByRole("button", { name: "Search in file" }).click();
  const find = dialog(page).getByRole("textbox", { name: "Find" });
  await find.fill("greeting");
  // The panel takes its query on a key going up, as when typed.
  await find.press("End");
  await expect(dialog(page).locator(".cm-searchMatch")).toHaveCount(2);
  await snapAll(page, info, "viewer-code");
  await dialog(page).getByRole("button", { name: "Close preview" }).click();

  await page.getByRole("button", { name: "big.log", exact: true }).dblclick();
  await expect(dialog(page).getByTestId("preview-lines")).toHaveText(/^60,000 lines · /);
  await expect(dialog(page).getByText("Large file: read only")).toBeVisible();
  await expect(dialog(page).locator(".cm-content")).toHaveAttribute("contenteditable", "false");
  await dialog(page).getByRole("button", { name: "Search in file" }).click();
  await find.fill("line 59999 of");
  await find.press("End");
  await dialog(page).getByRole("button", { name: "next", exact: true }).click();
  // The match, near the end, is scrolled into view (only the lines in view are drawn).
  await expect(
    dialog(page).locator(".cm-line", { hasText: "line 59999 of a long log" }),
  ).toBeVisible();
  await snap(page, info, "viewer-code-large");
});

test("audio plays the folder as a playlist and moves on by itself", async ({
  page,
  request,
}, info) => {
  const { account, drive, folder } = await userWithFolder(request, "viewer-audio");
  await drive.put(`${folder}/1 first.wav`, wav(20, 440));
  await drive.put(`${folder}/2 second.wav`, wav(3, 550));
  await drive.put(`${folder}/3 third.wav`, wav(1, 660));
  await drive.put(`${folder}/notes.txt`, Buffer.from("not a song"));
  await page.setViewportSize({ width: 1280, height: 720 });
  await signIn(page, account, folder);

  await page.getByRole("button", { name: "1 first.wav", exact: true }).dblclick();
  const playlist = dialog(page).getByRole("navigation", { name: "Songs in this folder" });
  await expect(playlist.getByRole("button")).toHaveCount(3);
  await expect(playlist.getByRole("button", { name: "1 first.wav" })).toHaveAttribute(
    "aria-current",
    "true",
  );
  await expect(dialog(page).getByTestId("preview-song-position")).toHaveText("1 of 3");
  // Held still for the screenshots, so that it does not end and move on meanwhile.
  await dialog(page)
    .getByTestId("preview-audio")
    .evaluate((a: HTMLAudioElement) => a.pause());
  await snapAll(page, info, "viewer-audio");

  await dialog(page).getByRole("button", { name: "Next song" }).click();
  await expect(page.getByTestId("preview-name")).toHaveText("2 second.wav");
  // The second song, played to its end, hands over to the third.
  await dialog(page)
    .getByTestId("preview-audio")
    .evaluate((a: HTMLAudioElement) => {
      a.muted = true;
      return a.paused ? a.play() : undefined;
    });
  await expect(page.getByTestId("preview-name")).toHaveText("3 third.wav");
  await expect(dialog(page).getByRole("button", { name: "Next song" })).toBeDisabled();
  await playlist.getByRole("button", { name: "1 first.wav" }).click();
  await expect(page.getByTestId("preview-name")).toHaveText("1 first.wav");
});

const FRENCH = "WEBVTT\n\n00:00:00.000 --> 00:00:04.000\nBonjour tout le monde\n";
const ENGLISH =
  "1\r\n00:00:00,000 --> 00:00:02,000\r\n{\\an8}Hello there\r\n\r\n2\r\n0:00:02,000 --> 0:00:04,000\r\nSecond line\r\n";
const CHAPTERS =
  "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nOpening\n\n00:00:02.000 --> 00:00:04.000\nEnding\n";

test("video shows the subtitles and chapters beside it", async ({ page, request }, info) => {
  const { account, drive, folder } = await userWithFolder(request, "viewer-video");
  await drive.put(`${folder}/clip.webm`, webm());
  await drive.put(`${folder}/clip.fr.vtt`, Buffer.from(FRENCH));
  await drive.put(`${folder}/clip.srt`, Buffer.from(ENGLISH));
  await drive.put(`${folder}/clip.chapters.vtt`, Buffer.from(CHAPTERS));
  await drive.put(`${folder}/other.srt`, Buffer.from(ENGLISH));
  await page.setViewportSize({ width: 1280, height: 720 });
  await signIn(page, account, folder);

  await page.getByRole("button", { name: "clip.webm", exact: true }).dblclick();
  const video = dialog(page).getByTestId("preview-video");
  const tracks = () =>
    video.evaluate((v: HTMLVideoElement) =>
      Array.from(v.textTracks).map((t) => ({
        kind: t.kind,
        label: t.label,
        mode: t.mode,
        cues: Array.from(t.cues ?? []).map((c) => (c as VTTCue).text),
      })),
    );
  // The first subtitle track shows; `other.srt` belongs to no video of this name.
  await expect.poll(tracks).toEqual([
    { kind: "chapters", label: "chapters", mode: "hidden", cues: ["Opening", "Ending"] },
    { kind: "subtitles", label: "fr", mode: "showing", cues: ["Bonjour tout le monde"] },
    { kind: "subtitles", label: "clip.srt", mode: "disabled", cues: [] },
  ]);
  const picker = dialog(page).getByRole("combobox", { name: "Subtitles" });
  await picker.click();
  await page.getByRole("option", { name: "clip.srt" }).click();
  // SRT became WebVTT: two cues, the positioning tag gone, a one-digit hour read.
  await expect
    .poll(async () => (await tracks())[2])
    .toEqual({
      kind: "subtitles",
      label: "clip.srt",
      mode: "showing",
      cues: ["Hello there", "Second line"],
    });

  const chapters = dialog(page).getByRole("navigation", { name: "Chapters" });
  await expect(chapters.getByRole("button")).toHaveCount(2);
  await video.evaluate((v: HTMLVideoElement) => v.pause());
  await chapters.getByRole("button", { name: /Ending/ }).click();
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime)).toBe(2);
  await expect(chapters.getByRole("button", { name: /Ending/ })).toHaveAttribute(
    "aria-current",
    "true",
  );
  await snapAll(page, info, "viewer-video");
});

test.describe("the administrator's viewer per extension", () => {
  test.afterAll(async ({ request }) => {
    const admin = await apiAs(request, ACCOUNTS.admin);
    await admin("PATCH", "/admin/settings", { body: { settings: { viewer_default_apps: "{}" } } });
  });

  test("an extension mapped to the text editor opens in it", async ({ page, request }, info) => {
    const admin = await apiAs(request, ACCOUNTS.admin);
    await admin("PATCH", "/admin/settings", { body: { settings: { viewer_default_apps: "{}" } } });
    await page.setViewportSize({ width: 1280, height: 720 });
    await openAdmin(page, "settings");
    await page.getByRole("tab", { name: "File explorer" }).click();
    await page.getByRole("button", { name: "Add extension" }).click();
    await page.getByRole("textbox", { name: "Extension" }).fill(".NFO");
    await page.getByRole("button", { name: "Add extension" }).click();
    await page.getByRole("textbox", { name: "Extension" }).nth(1).fill("log");
    await page.getByRole("combobox", { name: "Opens in" }).nth(1).click();
    await page.getByRole("option", { name: "Markdown viewer" }).click();
    await snapAll(page, info, "viewer-defaults-admin");
    await page.getByRole("button", { name: "Save" }).click();
    await expect
      .poll(async () => {
        const all = await admin<Record<string, string>>("POST", "/admin/settings", {
          body: { keys: ["viewer_default_apps"] },
        });
        return JSON.parse(all.viewer_default_apps ?? "{}");
      })
      .toEqual({ nfo: "monaco", log: "markdown" });

    const { account, drive, folder } = await userWithFolder(request, "viewer-defaults");
    await drive.put(`${folder}/release.nfo`, Buffer.from("Release notes\n============\n"));
    await drive.put(`${folder}/server.log`, Buffer.from("# Heading from a log\n"));
    await page.context().clearCookies();
    await page.evaluate(() => localStorage.clear());
    await signIn(page, account, folder);
    await page.getByRole("button", { name: "release.nfo", exact: true }).dblclick();
    await expect(dialog(page).getByTestId("preview-text")).toContainText("Release notes");
    await dialog(page).getByRole("button", { name: "Close preview" }).click();
    await page.getByRole("button", { name: "server.log", exact: true }).dblclick();
    await expect(
      dialog(page)
        .getByTestId("preview-markdown")
        .getByRole("heading", { name: "Heading from a log" }),
    ).toBeVisible();
  });
});
