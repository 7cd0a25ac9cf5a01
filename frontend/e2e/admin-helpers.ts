// What the admin console specs share: the chunks only administrators may download, and
// opening a console page as the administrator.
import { expect, type Page } from "@playwright/test";
import { ACCOUNTS } from "./accounts";
import { signInPage } from "./helpers";

/** Script and style files of the console (its shell, table and pages), by their chunk names. */
export const ADMIN_CHUNK = /\/assets\/(Admin\w*|\w+Page)-[\w-]+\.(js|css)/;

export async function openAdmin(page: Page, section: string) {
  await signInPage(page, ACCOUNTS.admin);
  await page.goto(`/admin/${section}`);
  await expect(page.getByRole("navigation", { name: "Administration sections" })).toBeVisible();
}
