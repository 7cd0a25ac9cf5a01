// Sharing: the share dialog from the explorer, My shares, and the landing page as a visitor
// sees it in a second, signed-out browser context (password, folders, download, dead links);
// every change checked through the API.
import { type Browser, expect, type Page, test } from "@playwright/test";
import { apiAs, fillSignIn, snap } from "./helpers";
import { expectAccessible, newAccount } from "./site";

type Share = {
  id: string;
  name: string;
  password?: string;
  expires?: string;
  remain_downloads?: number;
  visited: number;
  expired: boolean;
  url: string;
};

async function visitor(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ baseURL: process.env.STRATUS_E2E_BASE });
  return context.newPage();
}

/** The path of a share link (the site URL setting may name another host). */
const pathOf = (link: string) => new URL(link).pathname;

test("share a folder with a password and expiry, visit it signed out, edit and delete it", async ({
  page,
  browser,
  request,
}, info) => {
  test.setTimeout(180_000);
  const owner = await newAccount(request, "sharer");
  const api = await apiAs(request, owner);
  for (const [uri, type] of [
    ["cloudreve://my/Trip", "folder"],
    ["cloudreve://my/Trip/notes.txt", "file"],
    ["cloudreve://my/Trip/Photos", "folder"],
    ["cloudreve://my/Trip/Photos/beach.txt", "file"],
  ] as const) {
    await api("POST", "/file/create", { body: { uri, type } });
  }

  await page.goto("/session");
  await fillSignIn(page, owner);
  await expect(page.getByRole("button", { name: "Trip", exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Actions for Trip" }).click();
  await page.getByRole("menuitem", { name: "Share" }).click();
  const dialog = page.getByRole("dialog", { name: "Share “Trip”" });
  await dialog.getByLabel("Protect with a password").check();
  await dialog.getByRole("textbox", { name: "Password" }).fill("open4me");
  await dialog.getByRole("combobox", { name: "Link works" }).click();
  await page.getByRole("option", { name: "For one day" }).click();
  await dialog.getByLabel("Limit the number of downloads").check();
  await dialog.getByRole("textbox", { name: "Downloads allowed" }).fill("5");
  await snap(page, info, "share-dialog");
  await expectAccessible(page, "share dialog");
  await dialog.getByRole("button", { name: "Create link" }).click();
  const linkField = dialog.getByRole("textbox", { name: "Link" });
  // The link is there once the server answered.
  await expect(linkField).toHaveValue(/\/s\//);
  const link = await linkField.inputValue();
  expect(link).toMatch(/\/s\/\w+\/open4me$/);
  await dialog.getByRole("button", { name: "Copy" }).click();
  await expect(dialog.getByRole("button", { name: "Copied" })).toBeVisible();
  await snap(page, info, "share-dialog-link");
  await dialog.getByRole("button", { name: "Done" }).click();

  const [share] = (await api<{ shares: Share[] }>("GET", "/share", { query: { page_size: "10" } }))
    .shares;
  expect(share?.name).toBe("Trip");
  expect(share?.password).toBe("open4me");
  expect(share?.remain_downloads).toBe(5);
  const expires = Date.parse(share?.expires ?? "");
  expect(Math.abs(expires - (Date.now() + 86_400_000))).toBeLessThan(5 * 60_000);

  // A visitor without an account, given the link without its password.
  const guest = await visitor(browser);
  const bare = pathOf(link).replace(/\/open4me$/, "");
  await guest.goto(bare);
  await expect(guest.getByRole("heading", { name: "This share has a password" })).toBeVisible();
  await expectAccessible(guest, "share password prompt");
  await snap(guest, info, "share-locked");
  await guest.getByRole("textbox", { name: "Password" }).fill("wrong1");
  await guest.getByRole("button", { name: "Open" }).click();
  await expect(guest.getByText("That password is not right.")).toBeVisible();
  await guest.getByRole("textbox", { name: "Password" }).fill("open4me");
  await guest.getByRole("button", { name: "Open" }).click();
  const landing = guest.getByRole("region", { name: "Shared with you" });
  await expect(landing).toContainText("Trip");
  await expect(landing).toContainText("Shared by sharer");
  await expect(landing).toContainText("Downloads left: 5");
  await expect(landing).toContainText("Sign in to save this to your drive.");
  await expect(guest.getByRole("button", { name: "notes.txt", exact: true })).toBeVisible();
  await snap(guest, info, "share-landing");
  await expectAccessible(guest, "share landing");
  await guest.getByRole("button", { name: "Photos", exact: true }).dblclick();
  await expect(guest.getByRole("button", { name: "beach.txt", exact: true })).toBeVisible();
  // A click selects the file; the selection's Download button fetches it.
  await guest.getByRole("button", { name: "beach.txt", exact: true }).click();
  const download = guest.waitForEvent("download");
  await guest
    .getByRole("toolbar", { name: "Selected files" })
    .getByRole("button", { name: "Download" })
    .click();
  expect((await download).suggestedFilename()).toBe("beach.txt");

  // The owner edits the share from My shares: two downloads, no expiry.
  await page.getByRole("link", { name: "My shares" }).click();
  const row = page.getByRole("row", { name: /Trip/ });
  await expect(row).toContainText("Working");
  // The visitor's download counted.
  await expect(row).toContainText("Downloads left: 4");
  await snap(page, info, "my-shares");
  await expectAccessible(page, "my shares");
  await row.getByRole("button", { name: "Edit the share of Trip" }).click();
  const edit = page.getByRole("dialog", { name: "Edit the share of “Trip”" });
  await expect(edit.getByText("The password stays open4me.")).toBeVisible();
  await edit.getByRole("combobox", { name: "Link works" }).click();
  await page.getByRole("option", { name: "Until I delete it" }).click();
  await edit.getByRole("textbox", { name: "Downloads allowed" }).fill("2");
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(edit.getByText("The share is updated.")).toBeVisible();
  await edit.getByRole("button", { name: "Done" }).click();
  await expect(row).toContainText("Downloads left: 2");
  const [edited] = (await api<{ shares: Share[] }>("GET", "/share", { query: { page_size: "10" } }))
    .shares;
  expect(edited?.remain_downloads).toBe(2);
  expect(edited?.expires).toBeUndefined();
  expect(edited?.visited).toBeGreaterThanOrEqual(1);

  await row.getByRole("button", { name: "Delete the share of Trip" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete share" }).click();
  await expect(page.getByText("You have not shared anything yet.")).toBeVisible();
  expect(
    (await api<{ shares: Share[] }>("GET", "/share", { query: { page_size: "10" } })).shares,
  ).toEqual([]);

  // The visitor's link is dead now, and says so.
  await guest.goto(pathOf(link));
  await expect(guest.getByRole("heading", { name: "This link no longer works" })).toBeVisible();
  await snap(guest, info, "share-gone");
  await guest.context().close();
});

test("expired and used-up links show a clear page", async ({ browser, request }, info) => {
  const owner = await newAccount(request, "dealer");
  const api = await apiAs(request, owner);
  await api("POST", "/file/create", { body: { uri: "cloudreve://my/once.txt", type: "file" } });
  await api("POST", "/file/create", { body: { uri: "cloudreve://my/brief.txt", type: "file" } });
  const once = await api<string>("PUT", "/share", {
    body: { uri: "cloudreve://my/once.txt", downloads: 1 },
  });
  const brief = await api<string>("PUT", "/share", {
    body: { uri: "cloudreve://my/brief.txt", expire: 1 },
  });

  const guest = await visitor(browser);
  await guest.goto(pathOf(once));
  await expect(guest.getByRole("region", { name: "Shared with you" })).toContainText(
    "Downloads left: 1",
  );
  await guest.getByRole("button", { name: "once.txt", exact: true }).click();
  const download = guest.waitForEvent("download");
  await guest
    .getByRole("toolbar", { name: "Selected files" })
    .getByRole("button", { name: "Download" })
    .click();
  await download;
  await guest.reload();
  await expect(guest.getByRole("heading", { name: "This link no longer works" })).toBeVisible();
  await expectAccessible(guest, "dead share");

  // One second of life: wait (bounded) until the server calls it expired.
  const id = /\/s\/(\w+)/.exec(brief)?.[1] ?? "";
  await expect
    .poll(async () => (await api<Share>("GET", `/share/info/${id}`)).expired, { timeout: 15_000 })
    .toBe(true);
  await guest.goto(pathOf(brief));
  await expect(guest.getByRole("heading", { name: "This link no longer works" })).toBeVisible();
  await expect(guest.getByText("It has expired, reached its download limit")).toBeVisible();
  await snap(guest, info, "share-expired");
  await guest.context().close();
});

test("a signed-in visitor saves a share to their drive; it shows nothing else of the owner", async ({
  page,
  request,
}, info) => {
  const owner = await newAccount(request, "giver");
  const taker = await newAccount(request, "taker");
  const ownerApi = await apiAs(request, owner);
  await ownerApi("POST", "/file/create", { body: { uri: "cloudreve://my/Gift", type: "folder" } });
  await ownerApi("POST", "/file/create", {
    body: { uri: "cloudreve://my/Private", type: "folder" },
  });
  const link = await ownerApi<string>("PUT", "/share", { body: { uri: "cloudreve://my/Gift" } });

  await page.goto("/session");
  await fillSignIn(page, taker);
  await expect(page).toHaveURL(/\/home/);
  await page.goto(pathOf(link));
  const landing = page.getByRole("region", { name: "Shared with you" });
  await expect(landing).toContainText("Shared by giver");
  await landing.getByRole("button", { name: "Save to my drive" }).click();
  await expect(landing.getByRole("button", { name: "Open Shared with me" })).toBeVisible();
  await snap(page, info, "share-saved");
  await landing.getByRole("button", { name: "Open Shared with me" }).click();
  await expect(page.getByRole("button", { name: "Gift", exact: true })).toBeVisible();

  const takerApi = await apiAs(request, taker);
  type Listed = { files: { name: string }[] };
  const saved = await takerApi<Listed>("GET", "/file", {
    query: { uri: "cloudreve://shared_with_me" },
  });
  expect(saved.files.map((f) => f.name)).toEqual(["Gift"]);
  const mine = await takerApi<Listed>("GET", "/file", { query: { uri: "cloudreve://my" } });
  expect(mine.files.map((f) => f.name)).not.toContain("Private");
  // The owner's own share list stays the owner's.
  expect(
    (await takerApi<{ shares: Share[] }>("GET", "/share", { query: { page_size: "10" } })).shares,
  ).toEqual([]);
});

test("the share landing in Chinese on a phone, dark", async ({ browser, request }, info) => {
  const owner = await newAccount(request, "phone");
  const api = await apiAs(request, owner);
  await api("POST", "/file/create", { body: { uri: "cloudreve://my/相册", type: "folder" } });
  await api("POST", "/file/create", { body: { uri: "cloudreve://my/相册/a.txt", type: "file" } });
  const link = await api<string>("PUT", "/share", {
    body: { uri: "cloudreve://my/相册", expire: 86_400 },
  });
  const context = await browser.newContext({
    baseURL: process.env.STRATUS_E2E_BASE,
    viewport: { width: 375, height: 740 },
    colorScheme: "dark",
  });
  await context.addInitScript(() => localStorage.setItem("stratus.language", "zh-CN"));
  const guest = await context.newPage();
  await guest.goto(pathOf(link));
  await expect(guest.getByRole("region", { name: "分享给你的内容" })).toContainText("phone 的分享");
  await expect(guest.getByRole("button", { name: "a.txt", exact: true })).toBeVisible();
  await snap(guest, info, "phone-share-landing-zh-dark");
  const text = (await guest.locator("body").textContent()) ?? "";
  expect(text).not.toMatch(/\b(share|explorer|shell)\.[a-zA-Z]/);
  await context.close();
});
