// The extract dialog's entry picker: the archive's entries listed as a tree with checkboxes,
// what is unchecked left out of the extraction (`file_mask`), the password field; the dialog in
// light, dark and at phone width.
import { expect, test } from "@playwright/test";
import { freshUser, mkdir, mkfile, my, names, row, signIn } from "./explorer-helpers";
import { snap } from "./helpers";
import { expectAccessible } from "./site";
import { taskGroup, waitTaskEnded } from "./tasks-helpers";

test("pick the entries of a zip to extract", async ({ page }, info) => {
  test.setTimeout(120_000);
  const group = await taskGroup(page.request, "Pickers");
  const { account, api } = await freshUser(page.request, "picker", group);
  await mkdir(api, "Out");
  await mkfile(api, ["tree", "a.txt"], "alpha\n");
  await mkfile(api, ["tree", "sub", "b.txt"], "beta\n");
  await mkfile(api, ["top.txt"], "top\n");
  await api("POST", "/workflow/archive", {
    body: { src: [my("tree"), my("top.txt")], dst: my("bundle.zip") },
  });
  expect((await waitTaskEnded(api)).status).toBe("completed");

  await signIn(page, account);
  await row(page, "bundle.zip").click({ button: "right" });
  await page.getByRole("menuitem", { name: "Extract" }).click();
  const dialog = page.getByRole("dialog", { name: "Extract “bundle.zip”" });
  const entries = dialog.getByTestId("archive-entry");
  await expect(entries).toHaveCount(5);
  await expect(dialog.getByText("Everything will be extracted.")).toBeVisible();
  await expect(dialog.getByRole("textbox", { name: "Password" })).toBeVisible();
  await dialog.getByRole("checkbox", { name: "a.txt" }).uncheck();
  await expect(dialog.getByRole("checkbox", { name: "tree/", exact: true })).not.toBeChecked();
  await expect(dialog.getByRole("checkbox", { name: "sub/" })).toBeChecked();
  await dialog.getByRole("button", { name: "Out" }).click();
  await expectAccessible(page, "extract dialog with entries");
  await snap(page, info, "archive-picker-light");

  await dialog.getByRole("button", { name: "Extract" }).click();
  await expect(dialog).toBeHidden();
  const ended = await waitTaskEnded(api);
  expect(ended.status).toBe("completed");
  await expect.poll(() => names(api, "Out")).toEqual(["tree", "top.txt"]);
  expect(await names(api, "Out", "tree")).toEqual(["sub"]);
  expect(await names(api, "Out", "tree", "sub")).toEqual(["b.txt"]);

  // Looks: dark, and at phone width.
  await page.evaluate(() => localStorage.setItem("mantine-color-scheme-value", "dark"));
  await page.reload();
  await row(page, "bundle.zip").click({ button: "right" });
  await page.getByRole("menuitem", { name: "Extract" }).click();
  await expect(dialog.getByTestId("archive-entry")).toHaveCount(5);
  await snap(page, info, "archive-picker-dark");
  await page.setViewportSize({ width: 390, height: 800 });
  await snap(page, info, "archive-picker-phone");
  await page.keyboard.press("Escape");

  // Formats the server cannot extract are not offered.
  await mkfile(api, ["old.rar"], "not really\n");
  await page.reload();
  await row(page, "old.rar").click({ button: "right" });
  await expect(page.getByRole("menuitem", { name: "Rename" })).toBeVisible();
  await expect(page.getByRole("menuitem", { name: "Extract" })).toHaveCount(0);
});
