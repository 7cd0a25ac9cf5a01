// Backups in the admin console against the real server: a local target on a temporary folder
// is tested (pending and saved) and starred; a folder task backs up a fresh user's folder, picked
// from that user's drive, and "Run now" opens its record, which completes with its log;
// deleting the target is refused while the task uses it, with the server's reason; a webhook
// channel pointed at a closed loopback port shows the delivery's error. Screenshots of every page in light, dark, zh-CN
// and at phone width (390 px).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, type Page, type TestInfo, test } from "@playwright/test";
import { ACCOUNTS } from "./accounts";
import { openAdmin, unique } from "./admin-helpers";
import { freshUser, mkdir, mkfile, my } from "./explorer-helpers";
import { freePort } from "./global-setup";
import { apiAs, snap } from "./helpers";
import { expectAccessible, setSiteSettings } from "./site";

const PAGES = ["backupTargets", "backupTasks", "backupRecords", "notifications", "dashboard"];

let folder: string;

test.beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), "stratus-e2e-backup-"));
});

test.afterAll(async ({ request }) => {
  await setSiteSettings(request, { notification_allowed_cidrs: "" });
  rmSync(folder, { recursive: true, force: true });
});

test("a folder backup to a local target, its live record, and a webhook channel", async ({
  page,
  request,
}, info) => {
  test.setTimeout(180_000);
  const { account, api } = await freshUser(request, "backup");
  await mkdir(api, "Docs");
  await mkdir(api, "Docs", "2024");
  await mkdir(api, "Photos");
  await mkfile(api, ["Docs", "a.txt"], "alpha\n");
  await mkfile(api, ["Docs", "b.txt"], "bravo bravo\n");
  // The webhook test reaches the loopback port, where nothing listens.
  await setSiteSettings(request, { notification_allowed_cidrs: "127.0.0.1/32" });
  const targetName = unique("nas");
  const taskName = unique("docs");
  const channelName = unique("hook");

  await page.setViewportSize({ width: 1280, height: 900 });
  await openAdmin(page, "backupTargets");

  // A local target: tested as typed, then saved, tested saved, starred.
  await page.getByRole("button", { name: "New target" }).click();
  let dialog = page.getByRole("dialog", { name: "New backup target" });
  await dialog.getByRole("textbox", { name: "Name" }).fill(targetName);
  await dialog.getByRole("textbox", { name: "Folder" }).fill(folder);
  await dialog.getByRole("button", { name: "Test" }).click();
  await expect(dialog.getByRole("status")).toBeVisible();
  await snap(page, info, "target-dialog");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  await page.getByRole("button", { name: `Test ${targetName}` }).click();
  const tested = page.getByRole("dialog", { name: `Test of ${targetName}` });
  await expect(tested.getByRole("status")).toBeVisible();
  await page.keyboard.press("Escape");
  await page.getByRole("button", { name: `Favourite: ${targetName}` }).click();
  await expect(page.getByRole("button", { name: `Favourite: ${targetName}` })).toHaveAttribute(
    "aria-pressed",
    "true",
  );

  // A folder task, run by hand: its record opens and completes with its log.
  await page.goto("/admin/backupTasks");
  await page.getByRole("button", { name: "New task" }).click();
  dialog = page.getByRole("dialog", { name: "New backup task" });
  await dialog.getByRole("textbox", { name: "Name" }).fill(taskName);
  await dialog.getByText("One folder").click();
  await dialog.getByRole("combobox", { name: "User" }).fill(account.email);
  await page.getByRole("option", { name: new RegExp(account.email) }).click();
  // The folder is picked from that user's drive (the console lists another user's folders).
  const picker = dialog.getByRole("navigation", { name: "Folders", exact: true });
  await expect(picker.getByRole("button", { name: "Photos" })).toBeVisible();
  await picker.getByRole("button", { name: "Docs" }).click();
  await expect(dialog.getByRole("textbox", { name: "Folder" })).toHaveValue(my("Docs"));
  await expect(picker.getByRole("button", { name: "2024" })).toBeVisible();
  await expect(dialog.getByRole("combobox", { name: "Target" })).toHaveValue(`★ ${targetName}`);
  await dialog.getByRole("combobox", { name: "Schedule preset" }).click();
  await page.getByRole("option", { name: "Manual only" }).click();
  await expect(dialog.getByRole("textbox", { name: "Schedule", exact: true })).toHaveValue("");
  await snap(page, info, "task-dialog");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("button", { name: taskName, exact: true })).toBeVisible();
  const asAdmin = await apiAs(request, ACCOUNTS.admin);
  const saved = await asAdmin<{ tasks: { name: string; source: { uri?: string } }[] }>(
    "POST",
    "/admin/backup/task",
    { body: { page: 1, page_size: 100, conditions: {}, searches: {} } },
  );
  expect(saved.tasks.find((x) => x.name === taskName)?.source.uri).toBe(my("Docs"));
  await page.getByRole("button", { name: `Run ${taskName} now` }).click();
  await expect(page).toHaveURL(/\/admin\/backupRecords\?.*record=\d+/);
  const drawer = page.getByRole("dialog", { name: new RegExp(`Record \\d+ ${taskName}`) });
  await expect(drawer.getByText("Completed", { exact: true })).toBeVisible({ timeout: 60_000 });
  const log = drawer.getByRole("log", { name: "Log" });
  await expect(log).not.toHaveText("No lines yet.");
  expect(readdirSync(folder).length).toBeGreaterThan(0);
  await snap(page, info, "record-drawer");
  // The download is the record as a zip of the folder as backed up.
  const download = page.waitForEvent("download");
  await drawer.getByRole("button", { name: "Download" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/\.zip$/);
  const zip = readFileSync((await file.path()) ?? "");
  expect(zip.subarray(0, 2).toString()).toBe("PK");
  await page.keyboard.press("Escape");
  await expect(page.getByRole("table", { name: "Backup records" })).toContainText(taskName);

  // The target a task uses is not deleted: the server's reason is shown.
  await page.goto("/admin/backupTargets");
  await page.getByRole("button", { name: `Delete ${targetName}` }).click();
  dialog = page.getByRole("dialog", { name: `Delete ${targetName}?` });
  await dialog.getByRole("button", { name: "Delete" }).click();
  await expect(dialog.getByRole("alert")).toBeVisible();
  await snap(page, info, "target-delete-refused");
  await page.keyboard.press("Escape");

  // A webhook channel: the test of the pending one shows the delivery's error.
  const port = await freePort();
  await page.goto("/admin/notifications");
  await page.getByRole("button", { name: "New channel" }).click();
  dialog = page.getByRole("dialog", { name: "New notification channel" });
  await dialog.getByText("Webhook").click();
  await dialog.getByRole("textbox", { name: "Name" }).fill(channelName);
  await dialog.getByRole("textbox", { name: "URL" }).fill(`http://127.0.0.1:${port}/hook`);
  await dialog.getByLabel("Signing secret").fill("a-webhook-secret");
  await expect(dialog.getByLabel("A backup failed")).toBeChecked();
  await expect(dialog.getByLabel("A backup completed")).not.toBeChecked();
  await dialog.getByRole("button", { name: "Send a test" }).click();
  const refused = dialog.getByRole("alert");
  await expect(refused).toBeVisible({ timeout: 30_000 });
  // The delivery's own words: the address it could not reach.
  await expect(refused).toContainText(`127.0.0.1:${port}`);
  await snap(page, info, "channel-dialog-error");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("button", { name: channelName, exact: true })).toBeVisible();

  // The dashboard names the task and its last success.
  await page.goto("/admin/dashboard");
  const card = page.getByRole("table", { name: "Backups" });
  await expect(card).toContainText(taskName);
  await expect(page.getByText("Recent activity")).toBeVisible();

  await shootAll(page, info, "light");
  await expectAccessible(page, "dashboard");
  await page.emulateMedia({ colorScheme: "dark" });
  await page.evaluate(() => localStorage.setItem("mantine-color-scheme-value", "dark"));
  await shootAll(page, info, "dark");
  await page.setViewportSize({ width: 390, height: 844 });
  await shootAll(page, info, "phone-dark");
  await page.emulateMedia({ colorScheme: "light" });
  await page.evaluate(() => {
    localStorage.setItem("mantine-color-scheme-value", "light");
    localStorage.setItem("stratus.language", "zh-CN");
  });
  await shootAll(page, info, "phone-zh");
  await page.evaluate(() => localStorage.setItem("stratus.language", "en-US"));

  const admin = await apiAs(request, ACCOUNTS.admin);
  const channels = await admin<{ channels: { id: number; name: string }[] }>(
    "POST",
    "/admin/notification",
    { body: { page: 1, page_size: 100, order_by: "id", order_direction: "asc" } },
  );
  for (const c of channels.channels.filter((c) => c.name === channelName)) {
    await admin("DELETE", `/admin/notification/${c.id}`);
  }
});

async function shootAll(page: Page, info: TestInfo, variant: string) {
  for (const key of PAGES) {
    await page.goto(`/admin/${key}`);
    if (key === "dashboard") await expect(page.getByText(/Recent activity|近期动态/)).toBeVisible();
    else await expect(page.getByRole("table")).toBeVisible();
    await page.mouse.move(0, 0);
    if (key === "dashboard") {
      // The backups, health and timeline cards sit below the fold.
      await page.evaluate(() => document.fonts.ready);
      await page.screenshot({ path: info.outputPath(`${key}-${variant}.png`), fullPage: true });
    } else await snap(page, info, `${key}-${variant}`);
    if (key === "backupTasks" && variant.startsWith("phone")) {
      await page.getByRole("button", { name: /New task|新建任务/ }).click();
      await expect(page.getByRole("dialog")).toBeVisible();
      await snap(page, info, `task-dialog-${variant}`);
      await page.keyboard.press("Escape");
    }
    if (key === "backupRecords" && variant.startsWith("phone")) {
      await page.locator("tbody tr").first().getByRole("button").last().click();
      await expect(page.getByRole("log")).toBeVisible();
      await snap(page, info, `record-drawer-${variant}`);
      await page.keyboard.press("Escape");
    }
  }
}
