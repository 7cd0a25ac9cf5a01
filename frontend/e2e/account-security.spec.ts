// Account security in the settings: 2FA recovery codes (shown once, each signs in once in place
// of the authenticator's code, a new set voids the old), the active sessions with one ended from
// the list, and a WebDAV account's folder picked with the folder picker. Screenshots in light,
// dark and at phone width.
import { type Browser, expect, type Page, test } from "@playwright/test";
import { apiAs, fillSignIn, snap, totp } from "./helpers";
import { expectAccessible, newAccount } from "./site";

type Account = Awaited<ReturnType<typeof newAccount>>;

/** Signs in `account` in a fresh browser context: password, then `otp` as the second factor. */
async function signInWithCode(browser: Browser, account: Account, otp: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto("/session");
  await fillSignIn(page, account);
  await page.getByRole("button", { name: "Lost your phone? Use a recovery code" }).click();
  await page.getByRole("textbox", { name: "Recovery code" }).fill(otp);
  await page.getByRole("button", { name: "Verify" }).click();
  return { context, page };
}

async function settingsPage(page: Page, account: Account) {
  await page.goto("/session");
  await fillSignIn(page, account);
  await expect(page).toHaveURL(/\/home/, { timeout: 30_000 });
  await page.goto("/settings");
}

test("2FA recovery codes: shown once, each signs in once, a new set voids the old", async ({
  page,
  browser,
  request,
}, info) => {
  test.setTimeout(240_000);
  const account = await newAccount(request, "keeper");
  await settingsPage(page, account);
  const twoFa = page.getByRole("region", { name: "Two-factor sign-in" });
  await twoFa.getByRole("button", { name: "Turn on" }).click();
  const secret = (await twoFa.getByTestId("totp-secret").textContent()) ?? "";
  await twoFa.getByRole("textbox", { name: "Authentication code" }).fill(totp(secret));
  await twoFa.getByRole("button", { name: "Turn on two-factor sign-in" }).click();
  const shown = twoFa.getByTestId("recovery-codes");
  await expect(shown.getByRole("listitem")).toHaveCount(10);
  const codes = await shown.getByRole("listitem").allTextContents();
  expect(codes.every((c) => /^[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$/.test(c))).toBe(true);
  await twoFa.scrollIntoViewIfNeeded();
  await snap(page, info, "recovery-codes");
  await expectAccessible(page, "recovery codes");
  await page.setViewportSize({ width: 390, height: 844 });
  await twoFa.scrollIntoViewIfNeeded();
  await snap(page, info, "phone-recovery-codes");
  await page.setViewportSize({ width: 1280, height: 800 });
  await twoFa.getByRole("button", { name: "I have saved them" }).click();
  await expect(twoFa.getByTestId("recovery-codes-left")).toHaveText("10 recovery codes left");

  // A code signs in once.
  const first = await signInWithCode(browser, account, codes[0] ?? "");
  await expect(first.page).toHaveURL(/\/home/, { timeout: 30_000 });
  await first.context.close();
  const again = await signInWithCode(browser, account, codes[0] ?? "");
  await expect(again.page.getByRole("alert")).toBeVisible();
  await expect(again.page).toHaveURL(/\/session/);
  await again.context.close();
  await page.reload();
  await expect(twoFa.getByTestId("recovery-codes-left")).toHaveText("9 recovery codes left");

  // A new set replaces the old one.
  await twoFa.getByRole("button", { name: "New recovery codes" }).click();
  await twoFa
    .getByRole("textbox", { name: "Authentication code" })
    .fill(totp(secret, Date.now() + 30_000));
  await twoFa.getByRole("button", { name: "Make new recovery codes" }).click();
  await expect(shown.getByRole("listitem")).toHaveCount(10);
  const renewed = await shown.getByRole("listitem").allTextContents();
  expect(renewed.some((c) => codes.includes(c))).toBe(false);
  await twoFa.getByRole("button", { name: "I have saved them" }).click();
  const old = await signInWithCode(browser, account, codes[1] ?? "");
  await expect(old.page.getByRole("alert")).toBeVisible();
  await old.context.close();
  const fresh = await signInWithCode(browser, account, renewed[1] ?? "");
  await expect(fresh.page).toHaveURL(/\/home/, { timeout: 30_000 });
  await fresh.context.close();
});

test("active sessions: listed with the device, one ended from the list", async ({
  page,
  browser,
  request,
}, info) => {
  test.setTimeout(180_000);
  const account = await newAccount(request, "roamer");
  const other = await browser.newContext({
    userAgent:
      "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1",
  });
  const phone = await other.newPage();
  await settingsPage(phone, account);
  await settingsPage(page, account);
  const sessions = page.getByRole("region", { name: "Active sessions" });
  await expect(sessions.getByTestId("session")).toHaveCount(2);
  await expect(sessions.getByText("This device")).toBeVisible();
  await expect(sessions.getByText("Safari on iOS")).toBeVisible();
  // This device is in use now, whatever its record last said; the other shows its date.
  const mine = sessions.getByTestId("session").filter({ hasText: "This device" });
  await expect(mine).toContainText("in use now");
  await expect(mine).not.toContainText("last used");
  await expect(sessions.getByTestId("session").filter({ hasText: "Safari on iOS" })).toContainText(
    "last used",
  );
  await sessions.scrollIntoViewIfNeeded();
  await snap(page, info, "sessions");
  await expectAccessible(page, "sessions");

  await sessions.getByRole("button", { name: "Sign out Safari on iOS" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Sign out" }).click();
  await expect(sessions.getByTestId("session")).toHaveCount(1);
  // The phone's next request is refused and it lands on the sign-in page.
  await phone.reload();
  await expect(phone).toHaveURL(/\/session/, { timeout: 30_000 });
  await other.close();

  await page.getByText("Dark", { exact: true }).click();
  await expect(page.locator("html")).toHaveAttribute("data-mantine-color-scheme", "dark");
  await sessions.scrollIntoViewIfNeeded();
  await snap(page, info, "sessions-dark");
  await page.setViewportSize({ width: 390, height: 844 });
  await sessions.scrollIntoViewIfNeeded();
  await snap(page, info, "phone-sessions-dark");
});

test("a WebDAV account's folder is picked with the folder picker", async ({
  page,
  request,
}, info) => {
  test.setTimeout(180_000);
  const account = await newAccount(request, "picker", 1);
  const api = await apiAs(request, account);
  await api("POST", "/file/create", {
    body: { uri: "cloudreve://my/Photos/2026", type: "folder" },
  });
  await settingsPage(page, account);
  const dav = page.getByRole("region", { name: "WebDAV" });
  await dav.getByRole("button", { name: "Add a WebDAV account" }).click();
  const create = page.getByRole("dialog", { name: "New WebDAV account" });
  await create.getByRole("textbox", { name: "Name" }).fill("camera");
  await create.getByRole("button", { name: "Photos" }).click();
  await create.getByRole("button", { name: "2026" }).click();
  await expect(create.getByTestId("dav-folder")).toHaveText("/Photos/2026");
  await snap(page, info, "dav-folder-picker");
  await expectAccessible(page, "WebDAV folder picker");
  await page.setViewportSize({ width: 390, height: 844 });
  await snap(page, info, "phone-dav-folder-picker");
  await create.getByRole("button", { name: "Up one folder" }).click();
  await expect(create.getByTestId("dav-folder")).toHaveText("/Photos");
  await create.getByRole("button", { name: "Create" }).click();
  await page
    .getByRole("dialog", { name: "Connect with “camera”" })
    .getByRole("button", { name: "Done" })
    .click();
  type Dav = { accounts: { name: string; uri: string }[] };
  const [saved] = (await api<Dav>("GET", "/devices/dav", { query: { page_size: "10" } })).accounts;
  expect(saved?.uri).toBe("cloudreve://my/Photos");
});
