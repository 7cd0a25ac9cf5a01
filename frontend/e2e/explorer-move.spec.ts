// Moving and copying: the dialog with its folder picker, and dragging rows onto a folder row, a
// breadcrumb and the folder tree; each checked through the API.
import { expect, test } from "@playwright/test";
import { freshUser, mkdir, mkfile, names, row, signIn } from "./explorer-helpers";
import { snap } from "./helpers";

test("move and copy through the dialog's folder picker", async ({ page, request }, info) => {
  const { account, api } = await freshUser(request, "move");
  await mkdir(api, "Projects");
  await mkdir(api, "Projects", "2026");
  await mkfile(api, ["plan.md"], "# plan");
  await mkfile(api, ["notes.txt"], "notes");
  await signIn(page, account);

  await row(page, "plan.md").click({ button: "right" });
  await page.getByRole("menuitem", { name: "Move to…" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("Move “plan.md”");
  await dialog.getByRole("button", { name: "Projects" }).click();
  await dialog.getByRole("button", { name: "2026" }).click();
  await expect(dialog.getByText("/Projects/2026", { exact: true })).toBeVisible();
  await snap(page, info, "explorer-move-dialog");
  await dialog.getByRole("button", { name: "Move here" }).click();
  await expect(row(page, "plan.md")).toHaveCount(0);
  expect(await names(api, "Projects", "2026")).toEqual(["plan.md"]);

  // Copy keeps the original.
  await row(page, "notes.txt").click();
  await page.getByRole("toolbar").getByRole("button", { name: "Copy to…" }).click();
  await dialog.getByRole("button", { name: "Projects" }).click();
  await dialog.getByRole("button", { name: "Copy here" }).click();
  await expect(dialog).toHaveCount(0);
  expect(await names(api, "Projects")).toEqual(["2026", "notes.txt"]);
  expect(await names(api)).toEqual(["Projects", "notes.txt"]);

  // A folder cannot be moved into itself: it is greyed out in the picker.
  await row(page, "Projects").click();
  await page.getByRole("toolbar").getByRole("button", { name: "Move to…" }).click();
  await expect(dialog.getByRole("button", { name: "Projects" })).toBeDisabled();
});

test("a move says where the files went and Undo moves them back", async ({
  page,
  request,
}, info) => {
  const { account, api } = await freshUser(request, "undo");
  await mkdir(api, "Archive");
  await mkfile(api, ["one.txt"]);
  await mkfile(api, ["two.txt"]);
  await mkfile(api, ["three.txt"]);
  await signIn(page, account);

  await row(page, "one.txt").click();
  await row(page, "two.txt").click({ modifiers: ["ControlOrMeta"] });
  await page.getByRole("toolbar").getByRole("button", { name: "Move to…" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: "Archive" }).click();
  await dialog.getByRole("button", { name: "Move here" }).click();
  const moved = page.getByTestId("moved");
  await expect(moved).toHaveText("Moved 2 items to Archive");
  expect(await names(api, "Archive")).toEqual(["one.txt", "two.txt"]);
  await snap(page, info, "explorer-move-undo");

  await page.getByRole("button", { name: "Undo" }).click();
  await expect(page.getByText("Moved back")).toBeVisible();
  await expect(row(page, "one.txt")).toBeVisible();
  await expect(row(page, "two.txt")).toBeVisible();
  expect(await names(api, "Archive")).toEqual([]);
  expect(await names(api)).toEqual(["Archive", "one.txt", "three.txt", "two.txt"]);

  // A drag says it too, with the one file's name.
  await row(page, "three.txt").dragTo(row(page, "Archive"));
  await expect(page.getByText("Moved “three.txt” to Archive")).toBeVisible();
  expect(await names(api, "Archive")).toEqual(["three.txt"]);
});

test("drag rows onto a folder, a breadcrumb and the folder tree", async ({ page, request }) => {
  const { account, api } = await freshUser(request, "drag");
  await mkdir(api, "Box");
  await mkdir(api, "Box", "Inner");
  await mkfile(api, ["one.txt"]);
  await mkfile(api, ["two.txt"]);
  await mkfile(api, ["three.txt"]);
  await signIn(page, account);

  // Two selected rows dragged together onto a folder row.
  await row(page, "one.txt").click();
  await row(page, "two.txt").click({ modifiers: ["ControlOrMeta"] });
  await row(page, "two.txt").dragTo(row(page, "Box"));
  await expect(row(page, "one.txt")).toHaveCount(0);
  await expect(row(page, "two.txt")).toHaveCount(0);
  expect(await names(api, "Box")).toEqual(["Inner", "one.txt", "two.txt"]);

  // From inside Box, back onto the root's breadcrumb.
  await row(page, "Box").dblclick();
  await expect(row(page, "one.txt")).toBeVisible();
  await row(page, "one.txt").dragTo(
    page.getByRole("navigation", { name: "Folder path" }).getByRole("link", { name: "My files" }),
  );
  await expect(row(page, "one.txt")).toHaveCount(0);
  expect(await names(api)).toEqual(["Box", "one.txt", "three.txt"]);

  // Onto a folder of the side bar's tree, opened lazily.
  const tree = page.getByRole("navigation", { name: "Folders" });
  await tree.getByRole("button", { name: "Show folders in My files" }).click();
  await tree.getByRole("button", { name: "Show folders in Box" }).click();
  await expect(tree.getByRole("button", { name: "Inner", exact: true })).toBeVisible();
  await row(page, "two.txt").dragTo(tree.getByRole("button", { name: "Inner", exact: true }));
  await expect(row(page, "two.txt")).toHaveCount(0);
  expect(await names(api, "Box", "Inner")).toEqual(["two.txt"]);
  await tree.getByRole("button", { name: "Inner", exact: true }).click();
  await expect(page).toHaveURL(/Inner/);
  await expect(row(page, "two.txt")).toBeVisible();
});
