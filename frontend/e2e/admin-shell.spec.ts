// The admin console's frame: administrators get its navigation and pages; anyone else who
// types /admin is told they are not allowed, and the console's code is never downloaded.
import { expect, test } from "@playwright/test";
import { ACCOUNTS } from "./accounts";
import { openAdmin, watchAdminCode } from "./admin-helpers";
import { signInPage, snap } from "./helpers";

test("a normal user typing /admin is not allowed and gets no console code", async ({ page }) => {
  const seen = watchAdminCode(page);
  await signInPage(page, ACCOUNTS.user);
  await expect(page.getByRole("link", { name: "Administration" })).toHaveCount(0);
  await page.goto("/admin");
  await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
  await page.goto("/admin/users");
  await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
  await seen.settled();
  expect(seen.scripts.length).toBeGreaterThan(0);
  expect(seen.urls).toEqual([]);
});

test("an administrator finds every section in the console's navigation", async ({ page }) => {
  const seen = watchAdminCode(page);
  await signInPage(page, ACCOUNTS.admin);
  await page.getByRole("link", { name: "Administration" }).click();
  await expect(page).toHaveURL(/\/admin\/?$/);
  const nav = page.getByRole("navigation", { name: "Administration sections" });
  for (const name of [
    "Dashboard",
    "Settings",
    "Users",
    "Groups",
    "Storage policies",
    "Files",
    "Blobs",
    "Shares",
    "Audit log",
  ]) {
    await expect(nav.getByRole("link", { name, exact: true })).toBeVisible();
  }
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  // The same check that passes for a normal user sees the console's code here.
  await expect.poll(() => seen.urls.length).toBeGreaterThan(0);

  await nav.getByRole("link", { name: "Blobs", exact: true }).click();
  await expect(page).toHaveURL(/\/admin\/entities$/);
  await expect(page.getByRole("heading", { name: "Blobs" })).toBeVisible();
  await expect(page).toHaveTitle(/Blobs/);
});

test("an unknown console address says so", async ({ page }) => {
  await openAdmin(page, "no-such-page");
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});

test("at phone width the header's language and dark mode fit, in a menu", async ({
  page,
}, info) => {
  await openAdmin(page, "users");
  await page.setViewportSize({ width: 390, height: 844 });
  const more = page.getByRole("button", { name: "Language and appearance" });
  await expect(more).toBeVisible();
  const box = await more.boundingBox();
  expect(box && box.x + box.width).toBeLessThanOrEqual(390);
  await snap(page, info, "admin-phone-header");
  await more.click();
  await expect(page.getByRole("combobox", { name: "Language" })).toBeVisible();
  await snap(page, info, "admin-phone-header-menu");
  await page.getByRole("button", { name: "Switch to dark mode" }).click();
  await expect(page.getByRole("button", { name: "Switch to light mode" })).toBeVisible();
  await snap(page, info, "admin-phone-header-dark");
});
