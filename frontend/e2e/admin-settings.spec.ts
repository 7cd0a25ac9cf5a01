// The admin settings and dashboard pages against the real server: the site name reaches the
// page title, a test mail reaches the test's SMTP receiver and a wrong SMTP host shows the
// mailer's error, a value out of range is stopped before it is sent and the server's refusal
// is shown under its field; screenshots of each page in light, dark, zh-CN and at 1024 px.
import { expect, type Page, type TestInfo, test } from "@playwright/test";
import { ACCOUNTS } from "./accounts";
import { apiAs, signInPage, snap } from "./helpers";
import { MailCatcher } from "./site";

const ADMIN_PAGES = ["dashboard", "settings", "policies"] as const;

async function openAdmin(page: Page, which: string) {
  await page.goto(`/admin/${which}`);
  await expect(
    page.getByRole("navigation", { name: /Administration sections|管理/ }),
  ).toBeVisible();
}

test("an admin renames the site and sees the new name in the page title", async ({
  page,
  request,
}) => {
  const admin = await apiAs(request, ACCOUNTS.admin);
  const before = await admin<Record<string, string>>("POST", "/admin/settings", {
    body: { keys: ["siteName"] },
  });
  const name = `Drive ${Date.now().toString(36)}`;
  try {
    await signInPage(page, ACCOUNTS.admin);
    await openAdmin(page, "settings");
    const field = page.getByLabel("Site name");
    await field.fill(name);
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByText("Settings saved")).toBeVisible();
    await page.reload();
    await expect(page.getByLabel("Site name")).toHaveValue(name);
    // The console titles its own pages; the drive's page carries the site's name.
    await page.goto("/home");
    await expect(page).toHaveTitle(name);
  } finally {
    await admin("PATCH", "/admin/settings", { body: { settings: { siteName: before.siteName } } });
  }
});

test("a bad value is stopped here, and what the server refuses shows under its field", async ({
  page,
}) => {
  await signInPage(page, ACCOUNTS.admin);
  await openAdmin(page, "settings");
  await page.getByRole("tab", { name: "Accounts" }).click();
  const ttl = page.getByLabel("Access token lifetime");
  await ttl.fill("5");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Enter a number from 60 to")).toBeVisible();

  await ttl.fill("3600");
  await page.getByRole("tab", { name: "Site" }).click();
  await page.getByLabel("Theme options (JSON)").fill("[1]");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Enter a JSON object")).toBeVisible();

  // Any group passes the check here; the server refuses the anonymous group, and says so
  // under the field.
  await page.getByRole("tab", { name: "Accounts" }).click();
  await page.getByRole("combobox", { name: "Group of new accounts" }).click();
  await page.getByRole("option", { name: /anonymous|guest/i }).click();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("new accounts cannot join the anonymous group")).toBeVisible();
});

test("a test mail reaches the SMTP receiver; a wrong host shows the mailer's error", async ({
  page,
}) => {
  const catcher = await MailCatcher.start();
  try {
    await signInPage(page, ACCOUNTS.admin);
    await openAdmin(page, "settings");
    await page.getByRole("tab", { name: "Mail" }).click();
    await page.getByLabel("SMTP server").fill("127.0.0.1");
    await page.getByLabel("SMTP port").fill(String(catcher.port));
    await page.getByLabel("Sender address").fill("drive@example.com");
    await page.getByLabel("Send to").fill("ops@example.com");
    await page.getByRole("button", { name: "Send test mail" }).click();
    await expect(page.getByText("A test mail was sent to ops@example.com.")).toBeVisible();
    expect(await catcher.waitFor("ops@example.com")).toBeTruthy();

    await page.getByLabel("SMTP server").fill("no-such-host.invalid");
    await page.getByRole("button", { name: "Send test mail" }).click();
    const alert = page.getByRole("alert").filter({ hasText: "The mail could not be sent" });
    await expect(alert).toBeVisible({ timeout: 30_000 });
    await expect(alert).toContainText(/no-such-host|resolve|lookup|connect/i);
  } finally {
    catcher.close();
  }
});

/** Opens a console page through its navigation link, as a person would. */
async function navTo(page: Page, which: string) {
  await page.locator(`nav a[href="/admin/${which}"]`).click();
  await expect(page).toHaveURL(new RegExp(`/admin/${which}`));
}

async function snapAll(page: Page, info: TestInfo, suffix: string) {
  await openAdmin(page, "dashboard");
  for (const which of ADMIN_PAGES) {
    await navTo(page, which);
    if (which === "dashboard") await expect(page.getByTestId("total-files")).toBeVisible();
    if (which === "policies") await expect(page.getByTestId("policy-1")).toBeVisible();
    await snap(page, info, `admin-${which}-${suffix}`);
  }
  await navTo(page, "settings");
  await page.getByRole("tab", { name: /Mail|邮件/ }).click();
  await snap(page, info, `admin-settings-mail-${suffix}`);
}

test("screenshots: light, dark, zh-CN, 1024 px", async ({ page }, info) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1280, height: 900 });
  await signInPage(page, ACCOUNTS.admin);
  await snapAll(page, info, "light");

  await page.emulateMedia({ colorScheme: "dark" });
  await page.reload();
  await snapAll(page, info, "dark");

  await page.evaluate(() => localStorage.setItem("stratus.language", "zh-CN"));
  await page.emulateMedia({ colorScheme: "light" });
  await page.reload();
  await snapAll(page, info, "zh");

  await page.evaluate(() => localStorage.setItem("stratus.language", "en-US"));
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.reload();
  await snapAll(page, info, "1024");
});
