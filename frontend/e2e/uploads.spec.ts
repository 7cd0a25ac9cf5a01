// Uploads and downloads driven as a person would: picker and drop, folders, conflicts, quota,
// cancel, and a reload in the middle of a large upload; each result checked through the API.
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { ACCOUNTS } from "./accounts";
import { signInPage, snap } from "./helpers";
import { driveOf, openFolder, tempDir } from "./transfers";

const MiB = 1024 * 1024;
let dir: string;

test.beforeAll(() => {
  dir = tempDir();
});
test.afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A file of `mib` MiB whose n-th MiB is filled with the byte n (so any range can be checked). */
function bigFile(name: string, mib: number): string {
  const path = join(dir, name);
  const fd = openSync(path, "w");
  try {
    for (let i = 0; i < mib; i++) writeSync(fd, Buffer.alloc(MiB, i % 256));
  } finally {
    closeSync(fd);
  }
  return path;
}

const total = (page: Page) => page.getByRole("progressbar", { name: "Total upload progress" });

async function waitFinished(page: Page) {
  await expect(page.getByTestId("upload-total")).toHaveText("Uploads finished", {
    timeout: 60_000,
  });
  await expect(total(page)).toHaveAttribute("aria-valuenow", "100");
}

test("a 30 MiB file and a folder of 50 files reach 100%", async ({ page, request }, info) => {
  test.setTimeout(120_000);
  const drive = await driveOf(request, ACCOUNTS.user);
  const folder = await drive.folder("uploads big and folder");
  await signInPage(page, ACCOUNTS.user);
  await openFolder(page, folder);

  const big = bigFile("thirty.bin", 30);
  await page.getByTestId("upload-input").setInputFiles(big);
  await waitFinished(page);
  await expect(page.getByRole("button", { name: "thirty.bin", exact: true })).toBeVisible();
  expect((await drive.info(`${folder}/thirty.bin`)).size).toBe(30 * MiB);
  expect(
    (await drive.read(`${folder}/thirty.bin`, `${29 * MiB}-${29 * MiB + 3}`)).toJSON().data,
  ).toEqual([29, 29, 29, 29]);

  // 40 files at the top and 10 in a subfolder, picked as one folder.
  const album = join(dir, "album");
  mkdirSync(join(album, "raw"), { recursive: true });
  for (let i = 0; i < 50; i++) {
    const sub = i < 40 ? album : join(album, "raw");
    writeFileSync(
      join(sub, `photo-${String(i).padStart(2, "0")}.txt`),
      `photo ${i}\n`.repeat(i + 1),
    );
  }
  await page.getByRole("button", { name: "Clear finished uploads" }).click();
  await page.getByTestId("upload-folder-input").setInputFiles(album);
  await waitFinished(page);
  await expect(page.locator('[data-testid="upload-row"][data-status="done"]')).toHaveCount(50);
  await snap(page, info, "uploads-folder-done");

  const top = await drive.list(`${folder}/album`);
  expect(top.filter((f) => f.type === 0)).toHaveLength(40);
  expect(top.filter((f) => f.type === 1).map((f) => f.name)).toEqual(["raw"]);
  const raw = await drive.list(`${folder}/album/raw`);
  expect(raw.map((f) => f.name).sort()).toEqual(
    Array.from({ length: 10 }, (_, i) => `photo-${40 + i}.txt`),
  );
  expect(raw.find((f) => f.name === "photo-49.txt")?.size).toBe("photo 49\n".length * 50);

  // Another user sees none of it.
  const other = await driveOf(request, ACCOUNTS.admin);
  expect((await other.list("cloudreve://my")).map((f) => f.name)).not.toContain(
    "uploads big and folder",
  );
});

test("a chunk whose connection drops is sent again", async ({ page, request }) => {
  const drive = await driveOf(request, ACCOUNTS.user);
  const folder = await drive.folder("uploads retried");
  await signInPage(page, ACCOUNTS.user);
  await openFolder(page, folder);
  let attempts = 0;
  await page.route(/\/api\/v4\/file\/upload\/[^/]+\/0$/, (route) => {
    attempts += 1;
    return attempts === 1 ? route.abort("connectionreset") : route.continue();
  });
  await page.getByTestId("upload-input").setInputFiles({
    name: "flaky.txt",
    mimeType: "text/plain",
    buffer: Buffer.from("sent twice\n"),
  });
  await waitFinished(page);
  expect(attempts).toBe(2);
  expect((await drive.read(`${folder}/flaky.txt`)).toString()).toBe("sent twice\n");
});

test("a reload in the middle of a 200 MiB upload resumes from the next chunk", async ({
  page,
  request,
}, info) => {
  test.setTimeout(180_000);
  const drive = await driveOf(request, ACCOUNTS.user);
  const folder = await drive.folder("uploads resumed");
  const big = bigFile("two-hundred.bin", 200);
  await signInPage(page, ACCOUNTS.user);
  await openFolder(page, folder);

  // The fourth chunk (25 MiB each) is held, so the reload comes after three were taken.
  let held: () => void = () => {};
  const fourthChunk = new Promise<void>((resolve) => {
    held = resolve;
  });
  await page.route(/\/api\/v4\/file\/upload\/[^/]+\/3$/, () => held());
  await page.getByTestId("upload-input").setInputFiles(big);
  await fourthChunk;
  const saved = await page.evaluate(() =>
    Object.entries(localStorage)
      .filter(([key]) => key.startsWith("stratus.uploads."))
      .flatMap(([, value]) => JSON.parse(value)),
  );
  expect(saved).toMatchObject([{ name: "two-hundred.bin", size: 200 * MiB, nextChunk: 3 }]);

  await page.unrouteAll({ behavior: "ignoreErrors" });
  const sent: number[] = [];
  page.on("request", (r) => {
    const match = /\/api\/v4\/file\/upload\/[^/]+\/(\d+)$/.exec(r.url());
    if (match) sent.push(Number(match[1]));
  });
  await page.reload();
  const row = page.locator('[data-testid="upload-row"][data-status="paused"]');
  await expect(row).toContainText("two-hundred.bin");
  await expect(row).toContainText("Stopped at 37%");
  await expect(page.getByTestId("upload-total")).toHaveText("Uploads waiting to resume");
  await snap(page, info, "uploads-paused-after-reload");

  // Another file is refused; the same one goes on.
  const chooser = page.waitForEvent("filechooser");
  await page.getByRole("button", { name: "Resume upload of two-hundred.bin" }).click();
  await (await chooser).setFiles({
    name: "other.bin",
    mimeType: "application/octet-stream",
    buffer: Buffer.alloc(10),
  });
  await expect(page.getByText("Not the same file")).toBeVisible();
  const again = page.waitForEvent("filechooser");
  await page.getByRole("button", { name: "Resume upload of two-hundred.bin" }).click();
  await (await again).setFiles(big);
  await waitFinished(page);

  expect(sent[0]).toBe(3);
  expect(Math.min(...sent)).toBe(3);
  const name = `${folder}/two-hundred.bin`;
  expect((await drive.info(name)).size).toBe(200 * MiB);
  for (const mib of [0, 74, 75, 199]) {
    const bytes = await drive.read(name, `${mib * MiB}-${mib * MiB + 1}`);
    expect([...bytes], `MiB ${mib}`).toEqual([mib, mib]);
  }
  expect(
    await page.evaluate(() =>
      Object.keys(localStorage).filter((k) => k.startsWith("stratus.uploads.")),
    ),
  ).toEqual([]);
});

test("cancel deletes the session and its placeholder", async ({ page, request }) => {
  const drive = await driveOf(request, ACCOUNTS.user);
  const folder = await drive.folder("uploads canceled");
  const before = await drive.capacity();
  await signInPage(page, ACCOUNTS.user);
  await openFolder(page, folder);
  let held: () => void = () => {};
  const second = new Promise<void>((resolve) => {
    held = resolve;
  });
  await page.route(/\/api\/v4\/file\/upload\/[^/]+\/1$/, () => held());
  await page.getByTestId("upload-input").setInputFiles(bigFile("canceled.bin", 30));
  await second;
  await page.getByRole("button", { name: "Cancel upload of canceled.bin" }).click();
  await expect(page.locator('[data-testid="upload-row"][data-status="canceled"]')).toBeVisible();
  await page.unrouteAll({ behavior: "ignoreErrors" });
  await expect.poll(async () => (await drive.list(folder)).length).toBe(0);
  await expect.poll(async () => (await drive.capacity()).used).toBe(before.used);
  expect(
    await page.evaluate(() =>
      Object.keys(localStorage).filter((k) => k.startsWith("stratus.uploads.")),
    ),
  ).toEqual([]);
});

test("files dropped on the page are uploaded into the folder shown", async ({
  page,
  request,
}, info) => {
  const drive = await driveOf(request, ACCOUNTS.user);
  const folder = await drive.folder("uploads dropped");
  await signInPage(page, ACCOUNTS.user);
  await openFolder(page, folder);

  const drop = await page.evaluateHandle(() => {
    const data = new DataTransfer();
    data.items.add(new File(["first dropped\n"], "dropped-1.txt", { type: "text/plain" }));
    data.items.add(new File(["second dropped\n"], "dropped-2.txt", { type: "text/plain" }));
    return data;
  });
  await page.dispatchEvent("main", "dragenter", { dataTransfer: drop });
  await expect(page.getByTestId("drop-overlay")).toContainText("uploads dropped");
  await snap(page, info, "uploads-drop-overlay");
  await page.dispatchEvent("main", "drop", { dataTransfer: drop });
  await expect(page.getByTestId("drop-overlay")).toHaveCount(0);
  await waitFinished(page);
  expect((await drive.list(folder)).map((f) => [f.name, f.size])).toEqual([
    ["dropped-1.txt", 14],
    ["dropped-2.txt", 15],
  ]);
});

test("a taken name is asked about: new version, keep both for all, skip", async ({
  page,
  request,
}, info) => {
  const drive = await driveOf(request, ACCOUNTS.user);
  const folder = await drive.folder("uploads conflicts");
  await drive.put(`${folder}/a.txt`, Buffer.from("old a\n"));
  await drive.put(`${folder}/b.txt`, Buffer.from("old b\n"));
  await drive.put(`${folder}/c.txt`, Buffer.from("old c\n"));
  await signInPage(page, ACCOUNTS.user);
  await openFolder(page, folder);
  const file = (name: string, text: string) => ({
    name,
    mimeType: "text/plain",
    buffer: Buffer.from(text),
  });

  await page.getByTestId("upload-input").setInputFiles([file("a.txt", "new a, longer\n")]);
  const dialog = page.getByRole("dialog", { name: "This name is taken" });
  await expect(dialog).toContainText("“a.txt” already exists");
  await snap(page, info, "uploads-conflict");
  await dialog.getByRole("button", { name: "Save as new version" }).click();
  await waitFinished(page);
  const a = await drive.info(`${folder}/a.txt`);
  expect(a.extended_info.entities).toHaveLength(2);
  expect((await drive.read(`${folder}/a.txt`)).toString()).toBe("new a, longer\n");

  await page.getByRole("button", { name: "Clear finished uploads" }).click();
  await page
    .getByTestId("upload-input")
    .setInputFiles([file("b.txt", "new b\n"), file("c.txt", "new c\n")]);
  await dialog.getByLabel("Do this for the other conflicts of this upload").check();
  await dialog.getByRole("button", { name: "Keep both" }).click();
  await waitFinished(page);
  await expect(dialog).toHaveCount(0);
  const names = (await drive.list(folder)).map((f) => f.name).sort();
  expect(names).toEqual(["a.txt", "b (1).txt", "b.txt", "c (1).txt", "c.txt"]);
  expect((await drive.read(`${folder}/b.txt`)).toString()).toBe("old b\n");

  await page.getByRole("button", { name: "Clear finished uploads" }).click();
  await page.getByTestId("upload-input").setInputFiles([file("c.txt", "skipped\n")]);
  await dialog.getByRole("button", { name: "Skip" }).click();
  await expect(page.locator('[data-testid="upload-row"][data-status="skipped"]')).toBeVisible();
  expect((await drive.read(`${folder}/c.txt`)).toString()).toBe("old c\n");
});

test("files larger than the quota left are refused before any byte is sent", async ({
  page,
  request,
}, info) => {
  const drive = await driveOf(request, ACCOUNTS.user);
  const folder = await drive.folder("uploads quota");
  const before = await drive.capacity();
  // A sparse file: larger than the whole quota, taking no disk.
  const path = join(dir, "too-large.bin");
  const fd = openSync(path, "w");
  writeSync(fd, Buffer.from([1]), 0, 1, before.total + MiB);
  closeSync(fd);

  await signInPage(page, ACCOUNTS.user);
  await openFolder(page, folder);
  const uploads: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/file/upload")) uploads.push(r.url());
  });
  await page.getByTestId("upload-input").setInputFiles(path);
  await expect(page.getByRole("alert").filter({ hasText: "Not enough storage" })).toBeVisible();
  const row = page.locator('[data-testid="upload-row"][data-status="error"]');
  await expect(row).toContainText("Not enough storage: these files need");
  await snap(page, info, "uploads-quota");
  expect(uploads).toEqual([]);
  expect(await drive.list(folder)).toEqual([]);
  expect((await drive.capacity()).used).toBe(before.used);
});

test("download one file, and a folder as a zip", async ({ page, request }) => {
  // Zips need the group's archive permission: administrators have it.
  const drive = await driveOf(request, ACCOUNTS.admin);
  const folder = await drive.folder("downloads");
  await drive.put(`${folder}/one.txt`, Buffer.from("one file\n"));
  await drive.put(`${folder}/inner/two.txt`, Buffer.from("two\n"));
  await signInPage(page, ACCOUNTS.admin);
  await openFolder(page, folder);

  let download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Actions for one.txt" }).click();
  await page.getByRole("menuitem", { name: "Download" }).click();
  const single = await download;
  expect(single.suggestedFilename()).toBe("one.txt");
  expect((await readDownload(single)).toString()).toBe("one file\n");

  download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Actions for inner" }).click();
  await page.getByRole("menuitem", { name: "Download" }).click();
  const zip = await readDownload(await download);
  expect(zip.subarray(0, 2).toString()).toBe("PK");
  expect(zip.includes(Buffer.from("two.txt"))).toBe(true);
});

async function readDownload(download: import("@playwright/test").Download): Promise<Buffer> {
  const stream = await download.createReadStream();
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

test("the transfer panel and the conflict question in Chinese, dark, on a phone", async ({
  page,
  request,
}, info) => {
  const drive = await driveOf(request, ACCOUNTS.user);
  const folder = await drive.folder("uploads phone");
  await drive.put(`${folder}/报告.txt`, Buffer.from("旧\n"));
  await signInPage(page, ACCOUNTS.user);
  await page.setViewportSize({ width: 375, height: 740 });
  await page.evaluate(() => {
    localStorage.setItem("stratus.language", "zh-CN");
    localStorage.setItem("mantine-color-scheme-value", "dark");
  });
  await openFolder(page, folder, "文件夹路径");
  await page.getByTestId("upload-input").setInputFiles([
    { name: "报告.txt", mimeType: "text/plain", buffer: Buffer.from("新\n") },
    { name: "照片.txt", mimeType: "text/plain", buffer: Buffer.from("照片\n") },
  ]);
  const dialog = page.getByRole("dialog", { name: "名称已被占用" });
  await expect(dialog).toContainText("“报告.txt”");
  await snap(page, info, "uploads-conflict-phone-zh-dark");
  await dialog.getByRole("button", { name: "保留两者" }).click();
  await expect(page.getByTestId("upload-total")).toHaveText("上传已完成");
  await expect(page.getByTestId("upload-row").first()).toContainText("报告 (1).txt");
  await snap(page, info, "uploads-panel-phone-zh-dark");
  await page.getByRole("button", { name: "上传", exact: true }).click();
  await expect(page.getByRole("menuitem", { name: "文件夹" })).toBeVisible();
  await snap(page, info, "uploads-menu-phone-zh-dark");
  const text = (await page.locator("body").textContent()) ?? "";
  expect(text).not.toMatch(/\b(transfer|preview)\.[a-zA-Z]/);
  expect((await drive.list(folder)).map((f) => f.name).sort()).toEqual(
    ["报告 (1).txt", "报告.txt", "照片.txt"].sort(),
  );
});
