// The tasks UI: compress a folder from the explorer and follow the task to completed on the
// tasks page (the zip is in the drive and is a zip); another user sees none of it; the page in
// light, dark, zh-CN (its log worded in Chinese) and at 375 px, passing axe. Extract and remote
// download run once the server has their routes.
import { createServer } from "node:http";
import { expect, type Page, test } from "@playwright/test";
import { freshUser, mkdir, mkfile, my, names, row, signIn } from "./explorer-helpers";
import { snap } from "./helpers";
import { expectAccessible, setSiteSettings } from "./site";
import { readBytes, serverHas, taskGroup, waitTaskEnded, zipEntries } from "./tasks-helpers";

async function compressFromMenu(page: Page, name: string) {
  await row(page, name).click({ button: "right" });
  await page.getByRole("menuitem", { name: "Compress" }).click();
  const dialog = page.getByRole("dialog", { name: "Compress to a zip" });
  await expect(dialog.getByLabel("Zip file name")).toHaveValue(`${name}.zip`);
  await dialog.getByRole("button", { name: "Compress" }).click();
  await expect(dialog).toBeHidden();
}

test("compress a folder, follow the task to completed, and get a valid zip", async ({
  page,
}, info) => {
  test.setTimeout(120_000);
  const group = await taskGroup(page.request, "Packers");
  const { account, api } = await freshUser(page.request, "packer", group);
  await mkdir(api, "Reports");
  await mkfile(api, ["Reports", "q1.txt"], "first quarter\n");
  await mkfile(api, ["Reports", "q2.txt"], "second quarter\n");
  await signIn(page, account);

  await compressFromMenu(page, "Reports");
  await page.getByRole("link", { name: "Open the tasks page" }).click();
  await expect(page).toHaveURL(/\/tasks\?category=general/);
  const task = page.getByTestId("task").first();
  await expect(task).toContainText("Compress");
  await expect(task).toContainText("/Reports");
  await expect(task).toHaveAttribute("data-status", "completed", { timeout: 60_000 });
  await expect(task.getByText("Completed", { exact: true })).toBeVisible();
  await task.getByRole("button", { name: "Show log" }).click();
  await expect(task.getByTestId("task-log")).toContainText("wrote");
  // Drive addresses in the log read as paths.
  await expect(task.getByTestId("task-log")).toContainText("into /Reports.zip");
  await expect(task.getByTestId("task-log")).not.toContainText("cloudreve://");

  expect(await names(api)).toContain("Reports.zip");
  const zip = await readBytes(page.request, api, my("Reports.zip"));
  expect(zip.subarray(0, 4).toString("hex")).toBe("504b0304");
  const entries = zipEntries(zip);
  expect(entries.some((e) => e.endsWith("q1.txt"))).toBe(true);
  expect(entries.some((e) => e.endsWith("q2.txt"))).toBe(true);

  // Looks: light, dark, zh-CN, phone; axe on the page as it is, the pointer off the buttons.
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.mouse.move(0, 0);
  await expectAccessible(page, "tasks page");
  await snap(page, info, "tasks-light");
  await page.evaluate(() => localStorage.setItem("mantine-color-scheme-value", "dark"));
  await page.reload();
  await expect(page.getByTestId("task").first()).toBeVisible();
  await expectAccessible(page, "tasks page, dark");
  await snap(page, info, "tasks-dark");
  await page.evaluate(() => localStorage.setItem("stratus.language", "zh-CN"));
  await page.reload();
  await expect(page.getByRole("heading", { name: "任务", exact: true })).toBeVisible();
  await expect(page.getByTestId("task").first()).toContainText("已完成");
  await snap(page, info, "tasks-dark-zh");
  // The log in the reader's language, worded from each line's key and arguments.
  const zhTask = page.getByTestId("task").first();
  await zhTask.getByRole("button", { name: "显示日志" }).click();
  const zhLog = zhTask.getByTestId("task-log");
  await expect(zhLog).toContainText("正在将 1 个项目压缩到 /Reports.zip");
  await expect(zhLog).toContainText("已写入");
  await expect(zhLog).not.toContainText("compressing");
  await snap(page, info, "tasks-log-zh");
  await page.evaluate(() => {
    localStorage.setItem("mantine-color-scheme-value", "light");
    localStorage.setItem("stratus.language", "en-US");
  });
  await page.setViewportSize({ width: 375, height: 740 });
  await page.reload();
  await expect(page.getByTestId("task").first()).toBeVisible();
  await expectAccessible(page, "tasks page at 375 px");
  await snap(page, info, "tasks-phone");
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow, "no sideways scrolling at 375 px").toBeLessThanOrEqual(0);

  // The compress dialog, for the screenshots.
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`/home?path=${encodeURIComponent(my())}`);
  await row(page, "Reports").click({ button: "right" });
  await page.getByRole("menuitem", { name: "Compress" }).click();
  await expect(page.getByRole("dialog", { name: "Compress to a zip" })).toBeVisible();
  await snap(page, info, "tasks-compress-dialog");
  await page.keyboard.press("Escape");

  // The extract and remote download dialogs, looked at and closed (their routes may not exist).
  await row(page, "Reports.zip").click({ button: "right" });
  await page.getByRole("menuitem", { name: "Extract" }).click();
  const extract = page.getByRole("dialog", { name: "Extract “Reports.zip”" });
  await expect(extract.getByLabel("File name encoding")).toHaveValue("Detect automatically");
  await expectAccessible(page, "extract dialog");
  await snap(page, info, "tasks-extract-dialog-look");
  await page.keyboard.press("Escape");
  await expect(extract).toBeHidden();
  await page.getByRole("button", { name: "Remote download" }).click();
  const download = page.getByRole("dialog", { name: "Remote download" });
  await expect(download.getByRole("button", { name: "Download" })).toBeDisabled();
  await download.getByLabel("Links to download").fill("https://example.com/a.iso");
  await expect(download.getByRole("button", { name: "Download" })).toBeEnabled();
  await download.getByText("Torrent file").click();
  await expect(download.getByText("No torrent file chosen yet.")).toBeVisible();
  await expectAccessible(page, "remote download dialog");
  await snap(page, info, "tasks-download-dialog-look");
  await page.keyboard.press("Escape");
});

test("a user sees only their own tasks, and no task actions without the permission", async ({
  page,
}) => {
  const group = await taskGroup(page.request, "Owners");
  const a = await freshUser(page.request, "owner-a", group);
  await mkfile(a.api, ["secret.txt"], "mine\n");
  await a.api("POST", "/workflow/archive", {
    body: { src: [my("secret.txt")], dst: my("secret.zip") },
  });
  const ended = await waitTaskEnded(a.api);
  expect(ended.status).toBe("completed");

  const b = await freshUser(page.request, "viewer-b");
  const listed = await b.api<{ tasks: unknown[] }>("GET", "/workflow", {
    query: { category: "general" },
  });
  expect(listed.tasks).toEqual([]);
  const progress = await b.api<Record<string, unknown>>("GET", `/workflow/progress/${ended.id}`);
  expect(progress).toEqual({});

  await mkfile(b.api, ["notes.txt"], "b\n");
  await signIn(page, b.account);
  await row(page, "notes.txt").click({ button: "right" });
  await expect(page.getByRole("menuitem", { name: "Rename" })).toBeVisible();
  await expect(page.getByRole("menuitem", { name: "Compress" })).toHaveCount(0);
  await page.keyboard.press("Escape");
  await expect(page.getByRole("button", { name: "Remote download" })).toHaveCount(0);
  await page.getByRole("link", { name: "Tasks" }).click();
  await expect(page.getByText("No tasks yet.", { exact: false })).toBeVisible();
  await expect(page.getByTestId("task")).toHaveCount(0);
});

test("extract a zip into a folder picked in the dialog", async ({ page }, info) => {
  test.skip(!serverHas("/workflow/extract"), "the server has no POST /workflow/extract yet");
  test.setTimeout(120_000);
  const group = await taskGroup(page.request, "Unpackers");
  const { account, api } = await freshUser(page.request, "unpacker", group);
  await mkdir(api, "Out");
  await mkfile(api, ["a.txt"], "alpha\n");
  await api("POST", "/workflow/archive", { body: { src: [my("a.txt")], dst: my("bundle.zip") } });
  expect((await waitTaskEnded(api)).status).toBe("completed");

  await signIn(page, account);
  await row(page, "bundle.zip").click({ button: "right" });
  await page.getByRole("menuitem", { name: "Extract" }).click();
  const dialog = page.getByRole("dialog", { name: "Extract “bundle.zip”" });
  await dialog.getByRole("button", { name: "Out" }).click();
  await dialog.getByLabel("File name encoding").click();
  await page.getByRole("option", { name: "UTF-8" }).click();
  await snap(page, info, "tasks-extract-dialog");
  await dialog.getByRole("button", { name: "Extract" }).click();
  await expect(dialog).toBeHidden();
  await page.goto("/tasks?category=general");
  const task = page.getByTestId("task").first();
  await expect(task).toContainText("Extract");
  await expect(task).toHaveAttribute("data-status", "completed", { timeout: 60_000 });
  await expect.poll(() => names(api, "Out")).toContain("a.txt");
});

test("remote download of a link into a folder", async ({ page }, info) => {
  test.skip(!serverHas("/workflow/download"), "the server has no POST /workflow/download yet");
  test.setTimeout(120_000);
  const body = Buffer.from("downloaded by the server\n");
  const origin = createServer((_, response) => {
    response.writeHead(200, { "Content-Type": "text/plain", "Content-Length": body.length });
    response.end(body);
  });
  await new Promise<void>((resolve) => origin.listen(0, "127.0.0.1", resolve));
  const address = origin.address();
  const port = typeof address === "object" && address ? address.port : 0;
  // The server refuses loopback addresses unless the administrator allows them; the test's
  // origin listens on 127.0.0.1, so the range is allowed for this test only.
  await setSiteSettings(page.request, { remote_download_allowed_cidrs: "127.0.0.1/32" });
  try {
    const group = await taskGroup(page.request, "Fetchers");
    const { account, api } = await freshUser(page.request, "fetcher", group);
    await mkdir(api, "Inbox");
    await signIn(page, account);
    await page.getByRole("button", { name: "Remote download" }).click();
    const dialog = page.getByRole("dialog", { name: "Remote download" });
    await dialog.getByLabel("Links to download").fill(`http://127.0.0.1:${port}/hello.txt\n\n`);
    await dialog.getByRole("navigation").last().getByRole("button", { name: "Inbox" }).click();
    await snap(page, info, "tasks-download-dialog");
    await dialog.getByRole("button", { name: "Download" }).click();
    await expect(dialog).toBeHidden();
    await page.goto("/tasks?category=downloaded");
    const task = page.getByTestId("task").first();
    await expect(task).toHaveAttribute("data-status", "completed", { timeout: 60_000 });
    await expect.poll(() => names(api, "Inbox")).toContain("hello.txt");
  } finally {
    origin.close();
    await setSiteSettings(page.request, { remote_download_allowed_cidrs: "" });
  }
});

test("task progress names each counter and shows counts as counts, bytes as bytes", async ({
  page,
}, info) => {
  const { account } = await freshUser(page.request, "watcher");
  const now = new Date().toISOString();
  const task = {
    id: "t1",
    type: "extract_archive",
    status: "processing",
    created_at: now,
    updated_at: now,
    summary: { props: { src: "cloudreve://my/big.zip", dst: "cloudreve://my/big" } },
  };
  // A task caught half-way, as the server streams it: the list and the progress stream.
  await page.route(/\/api\/v4\/workflow\?/, (route) =>
    route.fulfill({
      json: { code: 0, msg: "", data: { tasks: [task], pagination: { next_token: "" } } },
    }),
  );
  const progress = {
    extract_count: { current: 565, total: 2048, identifier: "a.txt" },
    extract_size: { current: 5 * 1024 * 1024, total: 10 * 1024 * 1024, identifier: "a.txt" },
  };
  await page.route(/\/api\/v4\/workflow\/progress\/t1\/stream/, (route) =>
    route.fulfill({
      headers: { "content-type": "text/event-stream" },
      body: `event: progress\ndata: ${JSON.stringify(progress)}\n\n`,
    }),
  );
  await signIn(page, account);
  await page.goto("/tasks");
  const card = page.getByTestId("task");
  await expect(card).toContainText("Extracted files");
  await expect(card).toContainText("565 of 2,048");
  await expect(card).toContainText("5.0 MB / 10.0 MB");
  await expect(card).not.toContainText("extract_count");
  await snap(page, info, "task-progress");

  await page.addInitScript(() => localStorage.setItem("stratus.language", "zh-CN"));
  await page.emulateMedia({ colorScheme: "dark" });
  await page.reload();
  await expect(card).toContainText("已解压文件");
  await expect(card).toContainText("565 / 2,048");
  await snap(page, info, "task-progress-zh-dark");
});
