// What the admin console specs share: watching for the console's code in what a page
// downloads, opening a console page as the administrator, and a name no other test uses.
import { expect, type Page } from "@playwright/test";
import { ACCOUNTS } from "./accounts";
import { signInPage } from "./helpers";

/**
 * Scripts the page received that hold console code, found by content rather than by chunk
 * name: only the console's modules name translation keys under `admin.nav.` or `admin.list.`.
 */
export function watchAdminCode(page: Page) {
  const reads: Promise<void>[] = [];
  const seen = {
    urls: [] as string[],
    scripts: [] as string[],
    /** Waits until every script received so far has been read. */
    settled: () => Promise.all(reads),
  };
  page.on("response", (response) => {
    const url = response.url();
    if (!/\.js(\?|$)/.test(url)) return;
    seen.scripts.push(url);
    reads.push(
      response
        .text()
        .catch(() => "")
        .then((body) => {
          if (/admin\.(nav|list)\./.test(body)) seen.urls.push(url);
        }),
    );
  });
  return seen;
}

export async function openAdmin(page: Page, section: string) {
  await signInPage(page, ACCOUNTS.admin);
  await page.goto(`/admin/${section}`);
  await expect(page.getByRole("navigation", { name: "Administration sections" })).toBeVisible();
}

let made = 0;
export function unique(name: string): string {
  made += 1;
  return `${name}-${Date.now().toString(36)}-${made}`;
}
