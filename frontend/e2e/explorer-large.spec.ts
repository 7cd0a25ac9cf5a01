// A large folder: rows are virtualized (only those in view are in the page) and cursor pages are
// fetched as the list scrolls, to the last entry.
import { expect, test } from "@playwright/test";
import { freshUser, mkdir, my, row, signIn } from "./explorer-helpers";
import { snap } from "./helpers";

// 1,000 entries by default: making each one through the API is what costs (about 8 a second on a
// loaded two-core machine), so STRATUS_E2E_LARGE=10000 runs the full-size folder on demand.
const TOTAL = Number(process.env.STRATUS_E2E_LARGE ?? 1_000);
const BATCH = 32;

test(`${TOTAL} entries scroll to the end with virtualized rows and cursor paging`, async ({
  page,
  request,
}, info) => {
  test.setTimeout(40 * 60_000);
  const { account, api } = await freshUser(request, "large");
  await mkdir(api, "Big");
  // Empty files, made through the API a bounded batch at a time (the bulk of the test's time).
  const name = (i: number) => `f${String(i).padStart(5, "0")}.txt`;
  for (let start = 0; start < TOTAL; start += BATCH) {
    await Promise.all(
      Array.from({ length: Math.min(BATCH, TOTAL - start) }, (_, k) =>
        api("POST", "/file/create", { body: { uri: my("Big", name(start + k)), type: "file" } }),
      ),
    );
  }

  let pages = 0;
  page.on("request", (r) => {
    if (/\/api\/v4\/file\?/.test(r.url()) && r.url().includes("Big")) pages++;
  });
  await signIn(page, account, my("Big"));
  await expect(row(page, name(0))).toBeVisible();

  const grid = page.getByRole("grid", { name: "Files" });
  await expect(async () => {
    await grid.evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await expect(row(page, name(TOTAL - 1))).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 240_000, intervals: [50] });
  await snap(page, info, "explorer-large-end");

  // Only the rows in view (plus a small overscan) are in the page.
  expect(await grid.getByRole("row").count()).toBeLessThan(80);
  await expect(grid).toHaveAttribute("aria-rowcount", String(TOTAL));
  // One request per cursor page of the default 100 entries.
  expect(pages).toBe(Math.ceil(TOTAL / 100));
  // Deleted for good, so that what later specs do over every file of the site (the search
  // index's rebuild) does not read a thousand files that only this test needed.
  await api("DELETE", "/file", { body: { uris: [my("Big")], skip_soft_delete: true } });
});
