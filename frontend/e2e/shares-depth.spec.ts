// Sharing as people expect it: an upload-only folder share made in the dialog with an expiry
// date, a signed-out visitor dropping a file into it (no listing), the owner's counts in My
// shares, one-click re-enable and revoke, and "download all" on a folder share; screenshots in
// light and dark, English and Simplified Chinese, desktop and 390 px, to be looked at.
import { type Browser, expect, type Page, test } from "@playwright/test";
import { apiAs, fillSignIn, type Listed, snap } from "./helpers";
import { expectAccessible, newAccount } from "./site";

type Share = {
  id: string;
  name: string;
  expires?: string;
  expired: boolean;
  visited: number;
  downloaded?: number;
  upload_only?: boolean;
  upload_limit?: number;
  uploaded?: number;
};

async function visitor(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ baseURL: process.env.STRATUS_E2E_BASE });
  // No File System Access API: a zip built in the browser is downloaded as a Blob.
  await context.addInitScript(() => {
    delete (window as unknown as { showSaveFilePicker?: unknown }).showSaveFilePicker;
  });
  return context.newPage();
}

const pathOf = (link: string) => new URL(link).pathname;

/** Dark mode and Simplified Chinese from the next load on. */
async function darkChinese(page: Page) {
  await page.evaluate(() => {
    localStorage.setItem("mantine-color-scheme-value", "dark");
    localStorage.setItem("stratus.language", "zh-CN");
  });
}

/** `YYYY-MM-DDTHH:mm`, local time, `days` from now. */
function inDays(days: number): string {
  const at = new Date(Date.now() + days * 86_400_000);
  return new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

test("an upload-only share: made with a date, a visitor drops a file, the owner sees it", async ({
  page,
  browser,
  request,
}, info) => {
  test.setTimeout(180_000);
  const owner = await newAccount(request, "collector");
  const api = await apiAs(request, owner);
  await api("POST", "/file/create", { body: { uri: "cloudreve://my/Inbox", type: "folder" } });
  await api("POST", "/file/create", {
    body: { uri: "cloudreve://my/Inbox/secret.txt", type: "file" },
  });

  await page.goto("/session");
  await fillSignIn(page, owner);
  await page.getByRole("button", { name: "Actions for Inbox" }).click();
  await page.getByRole("menuitem", { name: "Share" }).click();
  const dialog = page.getByRole("dialog", { name: "Share “Inbox”" });
  await dialog.getByRole("combobox", { name: "Link works" }).click();
  await page.getByRole("option", { name: "Until a date I choose" }).click();
  await dialog.getByLabel("Link works until").fill(inDays(3));
  await dialog.getByRole("switch", { name: "Visitors can only upload" }).click();
  await dialog.getByRole("textbox", { name: "Most visitors may upload in all" }).fill("1");
  await snap(page, info, "depth-dialog-light");
  await expectAccessible(page, "share dialog, upload only");
  await dialog.getByRole("button", { name: "Create link" }).click();
  const linkField = dialog.getByRole("textbox", { name: "Link" });
  await expect(linkField).toHaveValue(/\/s\//);
  const link = await linkField.inputValue();
  await dialog.getByRole("button", { name: "Done" }).click();

  const [made] = (await api<{ shares: Share[] }>("GET", "/share", { query: { page_size: "10" } }))
    .shares;
  expect(made?.upload_only).toBe(true);
  expect(made?.upload_limit).toBe(1024 * 1024);
  const expires = Date.parse(made?.expires ?? "");
  expect(Math.abs(expires - (Date.now() + 3 * 86_400_000))).toBeLessThan(10 * 60_000);

  // A signed-out visitor: a drop zone, no listing, no download.
  const guest = await visitor(browser);
  await guest.goto(pathOf(link));
  const zone = guest.getByTestId("share-drop-zone");
  await expect(zone).toBeVisible();
  await expect(guest.getByText("secret.txt")).toHaveCount(0);
  await expect(guest.getByRole("button", { name: "Download all" })).toHaveCount(0);
  await guest.getByTestId("share-upload-input").setInputFiles({
    name: "hello.txt",
    mimeType: "text/plain",
    buffer: Buffer.from("hello"),
  });
  await expect(guest.getByTestId("share-upload-item")).toContainText("Sent");
  await snap(guest, info, "depth-drop-light");
  await expectAccessible(guest, "upload-only share page");
  const listed = await api<Listed>("GET", "/file", { query: { uri: "cloudreve://my/Inbox" } });
  expect(listed.files.map((f) => f.name).sort()).toEqual(["hello.txt", "secret.txt"]);

  await darkChinese(guest);
  await guest.setViewportSize({ width: 390, height: 780 });
  await guest.reload();
  await expect(guest.getByText("把文件拖到这里发送")).toBeVisible();
  await snap(guest, info, "depth-drop-dark-zh-390");
  await guest.context().close();

  await page.getByRole("link", { name: "My shares" }).click();
  const row = page.getByRole("row", { name: /Inbox/ });
  await expect(row).toContainText("Upload only");
  await expect(row).toContainText("5 B of 1.0 MB received");
  await snap(page, info, "depth-my-shares-light");
  await darkChinese(page);
  await page.setViewportSize({ width: 390, height: 780 });
  await page.reload();
  await expect(page.getByRole("row", { name: /Inbox/ })).toContainText("仅上传");
  await snap(page, info, "depth-my-shares-dark-zh-390");
});

test("My shares counts visits and downloads, re-enables an expired share and revokes one", async ({
  page,
  browser,
  request,
}, info) => {
  test.setTimeout(180_000);
  const owner = await newAccount(request, "counter");
  const api = await apiAs(request, owner);
  await api("POST", "/file/create", { body: { uri: "cloudreve://my/Trip", type: "folder" } });
  await api("POST", "/file/create", { body: { uri: "cloudreve://my/Trip/a.txt", type: "file" } });
  await api("POST", "/file/create", { body: { uri: "cloudreve://my/old.txt", type: "file" } });
  const trip = await api<string>("PUT", "/share", { body: { uri: "cloudreve://my/Trip" } });
  const old = await api<string>("PUT", "/share", {
    body: { uri: "cloudreve://my/old.txt", expire: 1 },
  });
  const oldId = /\/s\/(\w+)/.exec(old)?.[1] ?? "";
  await expect
    .poll(async () => (await api<Share>("GET", `/share/info/${oldId}`)).expired, {
      timeout: 15_000,
    })
    .toBe(true);

  // A visitor opens the folder share and downloads all of it.
  const guest = await visitor(browser);
  await guest.goto(pathOf(trip));
  await expect(guest.getByRole("button", { name: "a.txt", exact: true })).toBeVisible();
  const download = guest.waitForEvent("download");
  await guest.getByRole("button", { name: "Download all" }).click();
  expect((await download).suggestedFilename()).toMatch(/Trip/);
  await guest.context().close();

  await page.goto("/session");
  await fillSignIn(page, owner);
  await page.getByRole("link", { name: "My shares" }).click();
  const tripRow = page.getByRole("row", { name: /Trip/ });
  await expect(tripRow.getByTestId("share-visits")).toHaveText("1");
  // The counts are the server's.
  const counted = (
    await api<{ shares: Share[] }>("GET", "/share", { query: { page_size: "10" } })
  ).shares.find((s) => s.name === "Trip");
  const downloads = counted?.downloaded ?? 0;
  await expect(tripRow.getByTestId("share-downloads")).toHaveText(
    `${downloads} download${downloads === 1 ? "" : "s"}`,
  );
  const oldRow = page.getByRole("row", { name: /old\.txt/ });
  await expect(oldRow).toContainText("Expired");
  await snap(page, info, "depth-counts-light");

  await oldRow.getByRole("button", { name: "Re-enable the share of old.txt for 7 days" }).click();
  await expect(oldRow).toContainText("Working");
  const info2 = await api<Share>("GET", `/share/info/${oldId}`);
  expect(info2.expired).toBe(false);

  await oldRow.getByRole("button", { name: "Delete the share of old.txt" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete share" }).click();
  await expect(page.getByRole("row", { name: /old\.txt/ })).toHaveCount(0);
  const left = (await api<{ shares: Share[] }>("GET", "/share", { query: { page_size: "10" } }))
    .shares;
  expect(left.map((s) => s.name)).toEqual(["Trip"]);

  await darkChinese(page);
  await page.reload();
  await expect(page.getByRole("row", { name: /Trip/ })).toContainText(`已下载 ${downloads} 次`);
  await snap(page, info, "depth-counts-dark-zh");
});
