// Selecting rows with the mouse and the keyboard, the context menu, the selection toolbar and
// the shortcuts; each change checked through the API after.
import { expect, test } from "@playwright/test";
import { freshUser, mkdir, mkfile, my, names, row, signIn } from "./explorer-helpers";
import { snap } from "./helpers";

test("click, ctrl-click, shift-click, select all and Esc; the toolbar acts on the selection", async ({
  page,
  request,
}, info) => {
  const { account, api } = await freshUser(request, "select");
  for (const n of ["a.txt", "b.txt", "c.txt", "d.txt", "e.txt"]) await mkfile(api, [n]);
  await signIn(page, account);

  const count = page.getByTestId("selection-count");
  const rowOf = (name: string) => page.getByRole("row").filter({ has: row(page, name) });

  await row(page, "b.txt").click();
  await expect(count).toHaveText("1 of 5 selected");
  await expect(rowOf("b.txt")).toHaveAttribute("aria-selected", "true");
  await row(page, "d.txt").click({ modifiers: ["Shift"] });
  await expect(count).toHaveText("3 of 5 selected");
  await row(page, "c.txt").click({ modifiers: ["ControlOrMeta"] });
  await expect(count).toHaveText("2 of 5 selected");
  await expect(rowOf("c.txt")).toHaveAttribute("aria-selected", "false");
  await page.keyboard.press("ControlOrMeta+a");
  await expect(count).toHaveText("5 of 5 selected");
  await page.keyboard.press("Escape");
  await expect(count).toHaveCount(0);

  // Two picked, then moved to the trash from the toolbar.
  await row(page, "a.txt").click();
  await row(page, "e.txt").click({ modifiers: ["ControlOrMeta"] });
  const toolbar = page.getByRole("toolbar", { name: "Selected files" });
  await expect(toolbar).toBeVisible();
  await snap(page, info, "explorer-selection");
  await toolbar.getByRole("button", { name: "Move to trash" }).click();
  await expect(page.getByRole("dialog")).toContainText("2 items will be moved to the trash");
  await page.getByRole("dialog").getByRole("button", { name: "Move to trash" }).click();
  await expect(row(page, "a.txt")).toHaveCount(0);
  await expect(row(page, "e.txt")).toHaveCount(0);
  expect(await names(api)).toEqual(["b.txt", "c.txt", "d.txt"]);
});

test("right-click and the more button open the menu; keyboard shortcuts", async ({
  page,
  request,
}, info) => {
  const { account, api } = await freshUser(request, "keys");
  await mkdir(api, "Archive");
  await mkdir(api, "Inbox");
  await mkfile(api, ["Inbox", "letter.txt"]);
  await mkfile(api, ["report.txt"]);
  await signIn(page, account);

  // Right-click: the menu at the pointer, with the registry's actions.
  await row(page, "report.txt").click({ button: "right" });
  const menu = page.getByRole("menu");
  await expect(menu.getByRole("menuitem", { name: /Rename/ })).toBeVisible();
  await expect(menu.getByRole("menuitem", { name: /Info/ })).toBeVisible();
  await snap(page, info, "explorer-context-menu");
  await page.keyboard.press("Escape");
  await expect(menu).toHaveCount(0);

  // The more button is reachable with Tab from the focused row.
  await row(page, "report.txt").click();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Actions for report.txt" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("menu")).toBeVisible();
  await page.keyboard.press("Escape");

  // F2 renames the selected row.
  await row(page, "report.txt").click();
  await page.keyboard.press("F2");
  await page.getByLabel("New name").fill("report-2026.txt");
  await page.keyboard.press("Enter");
  await expect(row(page, "report-2026.txt")).toBeVisible();

  // Arrows move the focus and the selection; Enter opens a folder; Backspace goes up.
  await row(page, "Archive").click();
  await page.keyboard.press("ArrowDown");
  await expect(row(page, "Inbox")).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/Inbox/);
  await expect(row(page, "letter.txt")).toBeVisible();

  // Ctrl+C here, Ctrl+V in Archive copies; Ctrl+X then Ctrl+V moves.
  await row(page, "letter.txt").click();
  await page.keyboard.press("ControlOrMeta+c");
  await page.keyboard.press("Backspace");
  await expect(row(page, "Archive")).toBeVisible();
  await row(page, "Archive").dblclick();
  await expect(page).toHaveURL(/Archive/);
  await expect(page.getByText("This folder is empty")).toBeVisible();
  await page.keyboard.press("ControlOrMeta+v");
  await expect(row(page, "letter.txt")).toBeVisible();
  expect(await names(api, "Archive")).toEqual(["letter.txt"]);
  expect(await names(api, "Inbox")).toEqual(["letter.txt"]);

  await page.goto(`/home?path=${encodeURIComponent(my())}`);
  await row(page, "report-2026.txt").click();
  await page.keyboard.press("ControlOrMeta+x");
  await row(page, "Inbox").dblclick();
  await expect(row(page, "letter.txt")).toBeVisible();
  await row(page, "letter.txt").click();
  await page.keyboard.press("ControlOrMeta+v");
  await expect(row(page, "report-2026.txt")).toBeVisible();
  expect(await names(api, "Inbox")).toEqual(["letter.txt", "report-2026.txt"]);
  expect(await names(api)).toEqual(["Archive", "Inbox"]);

  // Delete asks, then moves the selection to the trash.
  await row(page, "letter.txt").click();
  await page.keyboard.press("Delete");
  await page.getByRole("dialog").getByRole("button", { name: "Move to trash" }).click();
  await expect(row(page, "letter.txt")).toHaveCount(0);
  expect(await names(api, "Inbox")).toEqual(["report-2026.txt"]);
});

test("the keyboard keeps the focus in the list after Enter and Backspace change the folder", async ({
  page,
  request,
}, info) => {
  const { account, api } = await freshUser(request, "keynav");
  await mkdir(api, "Projects");
  await mkdir(api, "Projects", "Drafts");
  await mkdir(api, "Projects", "Empty");
  await mkfile(api, ["Projects", "plan.txt"], "plan");
  await mkfile(api, ["notes.txt"], "notes");
  await signIn(page, account);

  await row(page, "Projects").click();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/Projects/);
  // The new folder's first row has the focus: the arrows go on moving it.
  await expect(row(page, "Drafts")).toBeFocused();
  await page.keyboard.press("ArrowDown");
  await expect(row(page, "Empty")).toBeFocused();
  await snap(page, info, "explorer-keys-focus-after-enter");

  // An empty folder holds the focus itself, so Backspace still goes up.
  await page.keyboard.press("Enter");
  await expect(page.getByText("This folder is empty")).toBeVisible();
  await expect(page.getByTestId("folder-empty")).toBeFocused();
  await page.keyboard.press("Backspace");
  await expect(row(page, "Drafts")).toBeFocused();
  await page.keyboard.press("Backspace");
  await expect(row(page, "Projects")).toBeFocused();
  await page.keyboard.press("ArrowDown");
  await expect(row(page, "notes.txt")).toBeFocused();
  await snap(page, info, "explorer-keys-focus-after-backspace");
});

test("the header checkbox follows the selection of the rows on screen", async ({
  page,
  request,
}, info) => {
  const { account, api } = await freshUser(request, "header");
  for (const n of ["a.txt", "b.txt", "c.txt"]) await mkfile(api, [n]);
  await signIn(page, account);
  const header = page.getByRole("checkbox", { name: "Select the loaded rows" });
  const state = () =>
    header.evaluate((box: HTMLInputElement) =>
      box.indeterminate ? "some" : box.checked ? "all" : "none",
    );

  await expect.poll(state).toBe("none");
  await row(page, "a.txt").click();
  await expect.poll(state).toBe("some");
  await header.click();
  await expect.poll(state).toBe("all");
  await row(page, "b.txt").click({ modifiers: ["ControlOrMeta"] });
  await expect.poll(state).toBe("some");
  await snap(page, info, "explorer-header-some");

  // A selected row renamed leaves the rows on screen: the header says what is selected there.
  await row(page, "c.txt").click();
  await page.keyboard.press("F2");
  await page.getByLabel("New name").fill("d.txt");
  await page.keyboard.press("Enter");
  await expect(row(page, "d.txt")).toBeVisible();
  await expect(page.getByRole("row", { selected: true })).toHaveCount(0);
  await expect.poll(state).toBe("none");
  await header.click();
  await expect.poll(state).toBe("all");
  await expect(page.getByRole("row", { selected: true })).toHaveCount(3);
  await snap(page, info, "explorer-header-all");
});
