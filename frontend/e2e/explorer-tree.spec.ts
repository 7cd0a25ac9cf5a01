// The side bar's folder tree from the keyboard (the WAI-ARIA tree pattern): one tab stop, Down and
// Up move between visible folders, Right opens a folder then moves into it, Left closes it then
// moves to its parent, Enter opens the focused folder in the list.
import { expect, test } from "@playwright/test";
import { freshUser, mkdir, mkfile, row, signIn } from "./explorer-helpers";
import { snap } from "./helpers";

test("the folder tree is driven by arrow keys and Enter", async ({ page, request }, info) => {
  const { account, api } = await freshUser(request, "tree");
  await mkdir(api, "Alpha");
  await mkdir(api, "Alpha", "Inner");
  await mkfile(api, ["Alpha", "Inner", "deep.txt"], "x");
  await mkdir(api, "Beta");
  await signIn(page, account);

  const tree = page.getByRole("tree", { name: "Folders" });
  const item = (name: string) => tree.getByRole("treeitem", { name, exact: true });
  await item("My files").focus();
  await expect(item("My files")).toHaveAttribute("aria-expanded", "false");

  await page.keyboard.press("ArrowRight");
  await expect(item("My files")).toHaveAttribute("aria-expanded", "true");
  await expect(item("Alpha")).toBeVisible();
  await page.keyboard.press("ArrowRight");
  await expect(item("Alpha")).toBeFocused();
  await page.keyboard.press("ArrowDown");
  await expect(item("Beta")).toBeFocused();
  await page.keyboard.press("ArrowUp");
  await expect(item("Alpha")).toBeFocused();
  await page.keyboard.press("ArrowRight");
  await expect(item("Inner")).toBeVisible();
  await expect(item("Alpha")).toHaveAttribute("aria-level", "2");
  await expect(item("Inner")).toHaveAttribute("aria-level", "3");
  await page.keyboard.press("ArrowDown");
  await expect(item("Inner")).toBeFocused();
  await snap(page, info, "tree-keyboard");

  // Left on a closed folder goes to its parent; Left again closes the parent.
  await page.keyboard.press("ArrowLeft");
  await expect(item("Alpha")).toBeFocused();
  await page.keyboard.press("ArrowLeft");
  await expect(item("Alpha")).toHaveAttribute("aria-expanded", "false");
  await expect(item("Inner")).toHaveCount(0);

  // Enter opens the focused folder.
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowDown");
  await expect(item("Inner")).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/Inner/);
  await expect(row(page, "deep.txt")).toBeVisible();
  await expect(item("Inner")).toHaveAttribute("aria-selected", "true");

  // One tab stop: only the root takes Tab.
  expect(await tree.locator('[tabindex="0"]').count()).toBe(1);
});
