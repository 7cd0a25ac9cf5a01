// The list view's columns: headers that sort through the server's order (a second click
// reverses), columns picked and resized per person (kept after a reload), checkboxes on each
// row and one in the header for the loaded rows; and the trash's own columns: where each item
// was and when it will be deleted for good.
import { expect, type Page, test } from "@playwright/test";
import { freshUser, mkdir, mkfile, my, row, signIn } from "./explorer-helpers";
import { snap } from "./helpers";

const names = (page: Page) =>
  page.getByRole("grid", { name: "Files" }).locator("[data-focus-target]").allTextContents();

const header = (page: Page, name: string) => page.getByRole("columnheader", { name, exact: true });

test("headers sort, columns are picked and resized, checkboxes select", async ({
  page,
  request,
}, info) => {
  const { account, api } = await freshUser(request, "columns");
  await mkfile(api, ["b-small.txt"], "x");
  await mkfile(api, ["a-large.txt"], "x".repeat(3000));
  await mkfile(api, ["c-medium.txt"], "x".repeat(200));
  await signIn(page, account);
  await expect(row(page, "a-large.txt")).toBeVisible();
  const grid = page.getByRole("grid", { name: "Files" });
  await expect(grid.getByRole("columnheader")).toHaveText([
    "",
    "Name",
    "Size",
    "Modified",
    "Created",
    "",
  ]);

  // Sorting by a header asks the server for that order; the second click reverses it.
  let listed = page.waitForRequest((r) => /\/api\/v4\/file\?.*order_by=size/.test(r.url()));
  await header(page, "Size").getByRole("button").click();
  expect(new URL((await listed).url()).searchParams.get("order_direction")).toBe("asc");
  await expect.poll(() => names(page)).toEqual(["b-small.txt", "c-medium.txt", "a-large.txt"]);
  await expect(header(page, "Size")).toHaveAttribute("aria-sort", "ascending");
  listed = page.waitForRequest((r) => /order_by=size.*order_direction=desc/.test(r.url()));
  await header(page, "Size").getByRole("button").click();
  await listed;
  await expect.poll(() => names(page)).toEqual(["a-large.txt", "c-medium.txt", "b-small.txt"]);
  await expect(header(page, "Size")).toHaveAttribute("aria-sort", "descending");

  // Checkboxes add rows to the selection; the header's takes the loaded rows, then none.
  const count = page.getByTestId("selection-count");
  await page.getByRole("checkbox", { name: "Select a-large.txt" }).check();
  await page.getByRole("checkbox", { name: "Select b-small.txt" }).check();
  await expect(count).toHaveText("2 of 3 selected");
  await expect(row(page, "c-medium.txt").locator("xpath=ancestor::*[@role='row']")).toHaveAttribute(
    "aria-selected",
    "false",
  );
  const all = page.getByRole("checkbox", { name: "Select the loaded rows" });
  await expect(all).toHaveAttribute("data-indeterminate", "true");
  await snap(page, info, "columns-light-desktop");
  await all.check();
  await expect(count).toHaveText("3 of 3 selected");
  await all.uncheck();
  await expect(count).toHaveCount(0);

  // Hide "Created"; widen "Size" by its edge; both are kept after a reload.
  await page.getByRole("button", { name: "Columns", exact: true }).click();
  await page.getByRole("menuitem", { name: "Created" }).click();
  await page.keyboard.press("Escape");
  await expect(header(page, "Created")).toHaveCount(0);
  const before = (await header(page, "Size").boundingBox())?.width ?? 0;
  const handle = page.getByRole("separator", { name: "Resize the Size column" });
  const box = await handle.boundingBox();
  if (!box) throw new Error("no resize handle");
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x - 60, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await expect
    .poll(async () => (await header(page, "Size").boundingBox())?.width ?? 0)
    .toBeGreaterThan(before + 50);
  await page.reload();
  await expect(row(page, "a-large.txt")).toBeVisible();
  await expect(header(page, "Created")).toHaveCount(0);
  expect((await header(page, "Size").boundingBox())?.width ?? 0).toBeGreaterThan(before + 50);
  // The arrow keys move the edge a step at a time.
  const now = Number(await handle.getAttribute("aria-valuenow"));
  await handle.focus();
  await page.keyboard.press("ArrowLeft");
  await expect(handle).toHaveAttribute("aria-valuenow", String(now - 16));

  await page.emulateMedia({ colorScheme: "dark" });
  await snap(page, info, "columns-dark-desktop");
  await page.setViewportSize({ width: 390, height: 760 });
  await page.getByRole("checkbox", { name: "Select c-medium.txt" }).check();
  await snap(page, info, "columns-dark-phone");
  await page.emulateMedia({ colorScheme: "light" });
  await snap(page, info, "columns-light-phone");
});

test("the trash says where each item was and when it goes for good", async ({
  page,
  request,
}, info) => {
  const { account, api } = await freshUser(request, "binned");
  await mkdir(api, "Work");
  await mkdir(api, "Work", "2026");
  await mkfile(api, ["Work", "2026", "plan.txt"], "plan\n");
  await mkfile(api, ["notes.txt"], "notes\n");
  await api("DELETE", "/file", { body: { uris: [my("Work", "2026", "plan.txt")] } });
  await api("DELETE", "/file", { body: { uris: [my("notes.txt")] } });
  await signIn(page, account, "cloudreve://trash");
  await expect(row(page, "plan.txt")).toBeVisible();
  const grid = page.getByRole("grid", { name: "Files" });
  await expect(grid.getByRole("columnheader")).toHaveText([
    "",
    "Name",
    "Size",
    "Original location",
    "Deleted",
    "Deleted for good on",
    "",
  ]);
  const rowOf = (name: string) => page.getByRole("row").filter({ has: row(page, name) });
  await expect(rowOf("plan.txt").getByTestId("trash-origin")).toHaveText("/Work/2026");
  await expect(rowOf("notes.txt").getByTestId("trash-origin")).toHaveText("/");
  // The default group keeps the trash for a week.
  const inAWeek = new Date(Date.now() + 7 * 86_400_000).toLocaleDateString("en-US", {
    dateStyle: "medium",
  });
  await expect(rowOf("plan.txt").getByTestId("trash-purge")).toContainText(inAWeek);
  await snap(page, info, "trash-light-desktop");
  await page.emulateMedia({ colorScheme: "dark" });
  await snap(page, info, "trash-dark-desktop");

  // On a phone the columns give way; the info drawer tells the same.
  await page.setViewportSize({ width: 390, height: 760 });
  await row(page, "plan.txt").click();
  await page.keyboard.press("Alt+Enter");
  const drawer = page.getByRole("dialog", { name: "plan.txt" });
  await expect(drawer).toContainText("/Work/2026");
  await expect(drawer).toContainText(inAWeek);
  await snap(page, info, "trash-dark-phone");
  await page.emulateMedia({ colorScheme: "light" });
  await snap(page, info, "trash-light-phone");
});
