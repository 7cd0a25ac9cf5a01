// Groups that may not have the server build zips (no permission bit 4: the default user group
// and guests) still download folders and several files: the browser zips the single files,
// streamed to a file picked with the File System Access API (faked here, since the picker is a
// native dialog), else saved from a Blob; the share page has "Download all".
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, expect, type Page, test } from "@playwright/test";
import { apiAs, signInPage, snap } from "./helpers";
import { newAccount } from "./site";
import { driveOf, openFolder } from "./transfers";

/** The files of a zip, by path, read back with unzip. */
function unzipped(zip: Buffer): Map<string, string> {
  const dir = mkdtempSync(join(tmpdir(), "stratus-zip-"));
  try {
    writeFileSync(join(dir, "in.zip"), zip);
    execFileSync("unzip", ["-q", "in.zip", "-d", "out"], { cwd: dir });
    const list = execFileSync("find", ["out", "-type", "f"], { cwd: dir, encoding: "utf8" })
      .split("\n")
      .filter(Boolean)
      .sort();
    return new Map(list.map((f) => [f.slice(4), readFileSync(join(dir, f), "utf8")]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A stand-in for `showSaveFilePicker`: the chunks written are kept in the page; the second write
 * waits until `__zipRelease()` is called, so the progress can be looked at mid-way.
 */
function fakePicker() {
  const w = window as unknown as Record<string, unknown>;
  const chunks: Uint8Array[] = [];
  let release: () => void = () => {};
  const held = new Promise<void>((r) => {
    release = r;
  });
  w.__zipRelease = () => release();
  w.__zipName = null;
  w.__zipDone = false;
  w.__zipBase64 = () => {
    let binary = "";
    for (const chunk of chunks) for (const byte of chunk) binary += String.fromCharCode(byte);
    return btoa(binary);
  };
  w.showSaveFilePicker = async (options: { suggestedName: string }) => {
    w.__zipName = options.suggestedName;
    return {
      createWritable: async () =>
        new WritableStream<Uint8Array>({
          async write(chunk) {
            chunks.push(new Uint8Array(chunk));
            if (chunks.length > 1) await held;
          },
          close() {
            w.__zipDone = true;
          },
        }),
    };
  };
}

async function pickedZip(page: Page): Promise<Buffer> {
  await expect
    .poll(() => page.evaluate(() => (window as never as { __zipDone: boolean }).__zipDone))
    .toBe(true);
  const data = await page.evaluate(() =>
    (window as never as { __zipBase64: () => string }).__zipBase64(),
  );
  return Buffer.from(data, "base64");
}

const CONTENT = {
  "Album/a.txt": "first file\n",
  "Album/deeper/b.txt": "second file, one folder down\n",
  "Album/deeper/c.txt": "third".repeat(2000),
};

test("a user whose group may not zip on the server downloads a folder zipped in the browser", async ({
  page,
  request,
}, info) => {
  // Several sign-ins (Argon2 in a debug build) on a busy machine.
  test.slow();
  const account = await newAccount(request, "zipper");
  const drive = await driveOf(request, account);
  for (const [path, text] of Object.entries(CONTENT)) {
    await drive.put(`cloudreve://my/${path}`, Buffer.from(text));
  }
  await drive.put("cloudreve://my/loose.txt", Buffer.from("loose\n"));
  await page.addInitScript(fakePicker);
  await signInPage(page, account);
  await openFolder(page, "cloudreve://my");

  await page.getByRole("button", { name: "Album", exact: true }).click();
  await page
    .getByRole("toolbar", { name: "Selected files" })
    .getByRole("button", { name: "Download" })
    .click();
  await expect(page.getByRole("progressbar", { name: "Zip progress" })).toBeAttached();
  await expect(page.getByText("Zipping “Album.zip”")).toBeVisible();
  await expect(page.getByText(/ of 9\.8 KB$/)).toBeVisible();
  await snap(page, info, "zip-progress");
  await page.evaluate(() => (window as never as { __zipRelease: () => void }).__zipRelease());
  const zip = await pickedZip(page);
  expect(await page.evaluate(() => (window as never as { __zipName: string }).__zipName)).toBe(
    "Album.zip",
  );
  expect(Object.fromEntries(unzipped(zip))).toEqual(CONTENT);
  await expect(page.getByText("“Album.zip” is saved.")).toBeVisible();
  await expect(page.getByText("Zip download not allowed")).toHaveCount(0);
  await snap(page, info, "zip-done");
});

async function visitor(browser: Browser, options: { zh?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({
    baseURL: process.env.STRATUS_E2E_BASE,
    ...(options.zh ? { colorScheme: "dark" as const, locale: "zh-CN" } : {}),
  });
  if (options.zh)
    await context.addInitScript(() => localStorage.setItem("stratus.language", "zh-CN"));
  // No File System Access API: the zip is collected in a Blob and downloaded.
  await context.addInitScript(() => {
    delete (window as unknown as { showSaveFilePicker?: unknown }).showSaveFilePicker;
  });
  return context.newPage();
}

test("a visitor downloads a whole shared folder with Download all", async ({
  browser,
  request,
}, info) => {
  // Several sign-ins (Argon2 in a debug build) on a busy machine.
  test.slow();
  const owner = await newAccount(request, "sharezip");
  const drive = await driveOf(request, owner);
  for (const [path, text] of Object.entries(CONTENT)) {
    await drive.put(`cloudreve://my/${path}`, Buffer.from(text));
  }
  const api = await apiAs(request, owner);
  const link = await api<string>("PUT", "/share", { body: { uri: "cloudreve://my/Album" } });

  const guest = await visitor(browser);
  await guest.goto(new URL(link).pathname);
  const landing = guest.getByRole("region", { name: "Shared with you" });
  await expect(landing.getByRole("button", { name: "Download all" })).toBeVisible();
  await snap(guest, info, "share-download-all");
  const download = guest.waitForEvent("download");
  await landing.getByRole("button", { name: "Download all" }).click();
  const saved = await download;
  expect(saved.suggestedFilename()).toBe("Album.zip");
  const zip = readFileSync((await saved.path()) ?? "");
  expect(Object.fromEntries(unzipped(zip))).toEqual(CONTENT);
  await expect(guest.getByText("Please sign in again")).toHaveCount(0);

  // Chinese, dark: the button and the finished notification are translated.
  const zh = await visitor(browser, { zh: true });
  await zh.goto(new URL(link).pathname);
  const zhLanding = zh.getByRole("region", { name: "分享给你的内容" });
  const zhDownload = zh.waitForEvent("download");
  await zhLanding.getByRole("button", { name: "全部下载" }).click();
  await zhDownload;
  await expect(zh.getByText("“Album.zip”已保存。")).toBeVisible();
  await snap(zh, info, "share-download-all-zh-dark");
  const text = (await zh.locator("body").textContent()) ?? "";
  expect(text).not.toMatch(/\b(share|transfer)\.[a-zA-Z]/);
  await guest.context().close();
  await zh.context().close();
});

test("Download all of a share with a download limit spends one download, not one per file", async ({
  browser,
  request,
}, info) => {
  // Several sign-ins (Argon2 in a debug build) on a busy machine.
  test.slow();
  const owner = await newAccount(request, "sharelimit");
  const drive = await driveOf(request, owner);
  for (const [path, text] of Object.entries(CONTENT)) {
    await drive.put(`cloudreve://my/${path}`, Buffer.from(text));
  }
  const api = await apiAs(request, owner);
  // Two downloads for a folder of three files.
  const link = await api<string>("PUT", "/share", {
    body: { uri: "cloudreve://my/Album", downloads: 2 },
  });
  const id = new URL(link).pathname.split("/")[2] ?? "";
  const counted = async () =>
    (await api<{ downloaded: number; remain_downloads: number }>("GET", `/share/info/${id}`))
      .downloaded;

  for (const round of [1, 2]) {
    const guest = await visitor(browser);
    await guest.goto(new URL(link).pathname);
    const landing = guest.getByRole("region", { name: "Shared with you" });
    const download = guest.waitForEvent("download");
    await landing.getByRole("button", { name: "Download all" }).click();
    const saved = await download;
    expect(saved.suggestedFilename()).toBe("Album.zip");
    const zip = readFileSync((await saved.path()) ?? "");
    expect(Object.fromEntries(unzipped(zip))).toEqual(CONTENT);
    await expect(guest.getByText("“Album.zip” is saved.")).toBeVisible();
    if (round === 2) await snap(guest, info, "share-limit-second-download-all");
    expect(await counted()).toBe(round);
    await guest.context().close();
  }

  // Both downloads spent: the link says so, and nothing more is counted.
  const late = await visitor(browser);
  await late.goto(new URL(link).pathname);
  await expect(late.getByRole("heading", { name: "This link no longer works" })).toBeVisible();
  await snap(late, info, "share-limit-used-up");
  expect(await counted()).toBe(2);
  await late.context().close();
});
