// What a person needs to find their way in the explorer: tooltips on icon buttons, column
// headers in the list, where a search result lives, how many items a folder holds, and a
// select-all that takes the whole folder, not only the rows loaded so far.
import { expect, test } from "@playwright/test";
import { freshUser, mkdir, mkfile, my, names, row, signIn } from "./explorer-helpers";
import { snap } from "./helpers";

test("icon buttons say what they do, and the list has column headers", async ({
  page,
  request,
}, info) => {
  const { account, api } = await freshUser(request, "tipped");
  await mkfile(api, ["notes.txt"], "hello\n");
  await signIn(page, account);
  await expect(row(page, "notes.txt")).toBeVisible();

  for (const name of ["Refresh", "New empty file", "Sort"]) {
    await page.getByRole("button", { name, exact: true }).hover();
    await expect(page.getByRole("tooltip")).toHaveText(name);
    await page.mouse.move(0, 0);
    await expect(page.getByRole("tooltip")).toHaveCount(0);
  }
  await page.getByRole("button", { name: "Refresh", exact: true }).hover();
  await snap(page, info, "tooltip");

  const grid = page.getByRole("grid", { name: "Files" });
  await expect(grid.getByRole("columnheader")).toHaveText([
    "",
    "Name",
    "Size",
    "Modified",
    "Created",
    "",
  ]);
  await expect(page.getByTestId("item-count")).toHaveText("1 item");
  await snap(page, info, "list-headers");
  await page.emulateMedia({ colorScheme: "dark" });
  await snap(page, info, "list-headers-dark");
});

test("search results say which folder each one is in", async ({ page, request }, info) => {
  const { account, api } = await freshUser(request, "seeker");
  await mkdir(api, "Work");
  await mkdir(api, "Work", "2026");
  await mkfile(api, ["Work", "2026", "plan.txt"], "plan\n");
  await mkfile(api, ["plan.md"], "plan\n");
  await signIn(page, account);
  await page.getByRole("textbox", { name: "Name contains" }).fill("plan");
  await page.keyboard.press("Enter");
  await expect(row(page, "plan.txt")).toBeVisible();
  const rowOf = (name: string) => page.getByRole("row").filter({ has: row(page, name) });
  await expect(rowOf("plan.txt").getByTestId("parent-path")).toHaveText("/Work/2026");
  await expect(rowOf("plan.md").getByTestId("parent-path")).toHaveText("/");
  await snap(page, info, "search-paths");
});

test("select all takes the whole folder, with its count", async ({ page, request }, info) => {
  test.setTimeout(180_000);
  const { account, api } = await freshUser(request, "bulk");
  await mkdir(api, "Many");
  const TOTAL = 130; // more than the first page of 100 rows
  const name = (i: number) => `m${String(i).padStart(3, "0")}.txt`;
  for (let start = 0; start < TOTAL; start += 26) {
    await Promise.all(
      Array.from({ length: 26 }, (_, k) =>
        api("POST", "/file/create", { body: { uri: my("Many", name(start + k)), type: "file" } }),
      ),
    );
  }
  await signIn(page, account, my("Many"));
  await row(page, name(0)).click();
  const count = page.getByTestId("selection-count");
  await expect(count).toHaveText("1 of 100+ selected");
  await page.keyboard.press("ControlOrMeta+a");
  await expect(count).toHaveText(`${TOTAL} of ${TOTAL} selected`);
  await expect(page.getByTestId("item-count")).toHaveText(`${TOTAL} items`);
  await snap(page, info, "select-all-many");

  const toolbar = page.getByRole("toolbar", { name: "Selected files" });
  await toolbar.getByRole("button", { name: "Move to trash" }).click();
  await expect(page.getByRole("dialog")).toContainText(`${TOTAL} items will be moved to the trash`);
  await page.getByRole("dialog").getByRole("button", { name: "Move to trash" }).click();
  // Deleting many files takes a while on a busy server: wait as the user does, for the list.
  await expect(page.getByText("This folder is empty.", { exact: false })).toBeVisible({
    timeout: 60_000,
  });
  expect(await names(api, "Many")).toEqual([]);
});

test("the info panel sits beside the list, and is a drawer on a phone", async ({
  page,
  request,
}, info) => {
  const { account, api } = await freshUser(request, "reader");
  await mkfile(api, ["one.txt"], "1\n");
  await mkfile(api, ["two.txt"], "22\n");
  await signIn(page, account);
  await row(page, "one.txt").click();
  await page.keyboard.press("Alt+Enter");
  const details = (name: string) =>
    page.getByRole("complementary", { name }).getByRole("table", { name: "Details" });
  await expect(details("one.txt")).toContainText("2 B");
  // The list stays in use beside it: another row is picked and the panel follows.
  await row(page, "two.txt").click();
  await expect(details("two.txt")).toContainText("3 B");
  await snap(page, info, "info-side");
  await page.emulateMedia({ colorScheme: "dark" });
  await snap(page, info, "info-side-dark");
  await page.keyboard.press("Escape");
  await expect(page.getByRole("complementary", { name: "two.txt" })).toHaveCount(0);

  await page.setViewportSize({ width: 375, height: 740 });
  await row(page, "one.txt").click();
  await page.keyboard.press("Alt+Enter");
  await expect(page.getByRole("dialog", { name: "one.txt" })).toBeVisible();
  await snap(page, info, "info-phone-dark");
});
