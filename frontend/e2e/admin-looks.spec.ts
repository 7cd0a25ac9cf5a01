// Screenshots of the admin console's pages and dialogs in light, dark, Simplified Chinese and at
// 1024 px, to be looked at; the pages pass axe; and no English is left on the zh-CN screens.
import { expect, type Page, type TestInfo, test } from "@playwright/test";
import { ACCOUNTS } from "./accounts";
import { openAdmin } from "./admin-helpers";
import { apiAs, signInPage, snap } from "./helpers";
import { expectAccessible } from "./site";

const PAGES = ["users", "groups", "events", "dashboard"] as const;

async function shoot(page: Page, info: TestInfo, variant: string) {
  for (const section of PAGES) {
    await page.goto(`/admin/${section}`);
    await expect(page.getByRole("main").getByRole("heading", { level: 2 })).toBeVisible();
    if (section !== "dashboard") await expect(page.getByRole("table")).toBeVisible();
    await snap(page, info, `admin-${variant}-${section}`);
  }
  await page.goto("/admin/groups");
  await page.locator("tbody").getByRole("button").first().click();
  await expect(page.getByRole("dialog")).toBeVisible();
  await expect(page.getByRole("dialog").getByRole("checkbox").first()).toBeVisible();
  await snap(page, info, `admin-${variant}-group-dialog`);
  await page.keyboard.press("Escape");
  await page.goto("/admin/users");
  await page.locator("tbody").getByRole("button").first().click();
  await expect(page.getByRole("dialog")).toBeVisible();
  await snap(page, info, `admin-${variant}-user-dialog`);
  await page.keyboard.press("Escape");
}

test("the console in light, dark, zh-CN and at 1024 px", async ({ page }, info) => {
  test.setTimeout(180_000);
  // Something in the audit log besides sign-ins.
  const admin = await apiAs(page.request, ACCOUNTS.admin);
  await admin("PUT", "/admin/group", {
    body: { group: { name: "Looks", max_storage: 5 * 1024 ** 3 } },
  });

  await page.setViewportSize({ width: 1280, height: 800 });
  await openAdmin(page, "users");
  await expectAccessible(page, "users page");
  await shoot(page, info, "light");
  await page.goto("/admin/events");
  await expectAccessible(page, "audit log");
  await page.goto("/admin/groups");
  await expectAccessible(page, "groups page");

  await page.evaluate(() => localStorage.setItem("mantine-color-scheme-value", "dark"));
  await shoot(page, info, "dark");

  await page.evaluate(() => localStorage.setItem("stratus.language", "zh-CN"));
  await page.goto("/admin/users");
  await expect(page.getByRole("heading", { name: "用户", exact: true })).toBeVisible();
  await shoot(page, info, "dark-zh");
  for (const text of ["Users", "Groups", "Audit log", "Rows per page", "New user", "Select"]) {
    await expect(page.getByText(text, { exact: true })).toHaveCount(0);
  }

  await page.evaluate(() => {
    localStorage.setItem("mantine-color-scheme-value", "light");
    localStorage.setItem("stratus.language", "en-US");
  });
  await page.setViewportSize({ width: 1024, height: 768 });
  await shoot(page, info, "1024");
});

test("the not-allowed page", async ({ page }, info) => {
  await signInPage(page, ACCOUNTS.user);
  await page.goto("/admin");
  await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
  await expectAccessible(page, "not allowed");
  await snap(page, info, "admin-not-allowed");
});
