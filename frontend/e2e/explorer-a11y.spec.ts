// The explorer and the trash pass axe-core with no serious or critical violation: a folder with
// files and a selection, the info panel, the trash with an entry, and the phone width.
import { expect, test } from "@playwright/test";
import { freshUser, mkdir, mkfile, my, row, signIn } from "./explorer-helpers";
import { snap } from "./helpers";
import { expectAccessible } from "./site";

test("explorer and trash have no serious accessibility violations", async ({
  page,
  request,
}, info) => {
  const { account, api } = await freshUser(request, "a11y");
  await mkdir(api, "Docs");
  await mkfile(api, ["Docs", "notes.txt"], "hello");
  await mkfile(api, ["Docs", "old.txt"], "old");
  await signIn(page, account, my("Docs"));
  await expect(row(page, "notes.txt")).toBeVisible();
  await expectAccessible(page, "the explorer");

  await row(page, "notes.txt").click();
  await expectAccessible(page, "the explorer with a selection");

  await row(page, "old.txt").click();
  await page.keyboard.press("Delete");
  await page.getByRole("dialog").getByRole("button", { name: "Move to trash" }).click();
  await expect(row(page, "old.txt")).toHaveCount(0);
  await page.getByRole("link", { name: "Trash" }).click();
  await expect(row(page, "old.txt")).toBeVisible();
  await expectAccessible(page, "the trash");
  await row(page, "old.txt").click();
  await expectAccessible(page, "the trash with a selection");

  await page.setViewportSize({ width: 375, height: 740 });
  await page.goto(`/home?path=${encodeURIComponent(my("Docs"))}`);
  await expect(row(page, "notes.txt")).toBeVisible();
  await expectAccessible(page, "the explorer at 375 px");
  await snap(page, info, "a11y-phone");
});
