// A share of a single file saved to one's drive ("Save to my drive") is listed in "Shared with
// me" with the file's size, opens in the viewer and downloads through its share; a saved
// folder share is listed as a share link, without a size.
import { expect, test } from "@playwright/test";
import { fillSignIn, snap } from "./helpers";
import { newAccount } from "./site";
import { driveOf } from "./transfers";

const TEXT = `${"a line of the shared report\n".repeat(100)}the end\n`;

test("a saved file share shows its size and opens through its share", async ({
  page,
  request,
}, info) => {
  // Several sign-ins (Argon2 in a debug build) on a busy machine.
  test.slow();
  const owner = await newAccount(request, "reporter");
  const taker = await newAccount(request, "reader");
  const ownerDrive = await driveOf(request, owner);
  await ownerDrive.put("cloudreve://my/report.txt", Buffer.from(TEXT));
  const link = await ownerDrive.call<string>("PUT", "/share", {
    body: { uri: "cloudreve://my/report.txt" },
  });

  await page.goto("/session");
  await fillSignIn(page, taker);
  await expect(page).toHaveURL(/\/home/);
  await page.goto(new URL(link).pathname);
  const landing = page.getByRole("region", { name: "Shared with you" });
  await landing.getByRole("button", { name: "Save to my drive" }).click();
  await landing.getByRole("button", { name: "Open Shared with me" }).click();

  const row = page.getByRole("row", { name: /report\.txt/ });
  await expect(row).toContainText("2.7 KB");
  await snap(page, info, "saved-file-share-listed");

  await page.getByRole("button", { name: "report.txt", exact: true }).dblclick();
  const editor = page.getByRole("textbox", { name: "Contents of report.txt" });
  await expect(editor).toContainText("a line of the shared report");
  await expect(page.getByText("Entity does not exist")).toHaveCount(0);
  await snap(page, info, "saved-file-share-opened");
  await page.getByRole("button", { name: "Close preview" }).click();

  // The toolbar's Download saves the shared file itself.
  await page.getByRole("button", { name: "report.txt", exact: true }).click();
  const download = page.waitForEvent("download");
  await page
    .getByRole("toolbar", { name: "Selected files" })
    .getByRole("button", { name: "Download" })
    .click();
  const saved = await download;
  expect(saved.suggestedFilename()).toBe("report.txt");

  // A saved folder share opens as the shared folder.
  await ownerDrive.put("cloudreve://my/Reports/inside.txt", Buffer.from("inside\n"));
  const folderLink = await ownerDrive.call<string>("PUT", "/share", {
    body: { uri: "cloudreve://my/Reports" },
  });
  await page.goto(new URL(folderLink).pathname);
  await landing.getByRole("button", { name: "Save to my drive" }).click();
  await landing.getByRole("button", { name: "Open Shared with me" }).click();
  // A saved folder share is a link to the share, not an empty file of 0 B.
  const reports = page.getByRole("row", { name: /Reports/ });
  await expect(reports).toContainText("Share link");
  await expect(reports).not.toContainText("0 B");
  await snap(page, info, "saved-folder-share-listed");
  await page.getByRole("button", { name: "Reports", exact: true }).dblclick();
  await expect(page.getByRole("button", { name: "inside.txt", exact: true })).toBeVisible();
  await expect(page.getByRole("region", { name: "Shared with you" })).toContainText("Reports");
  await page.getByRole("link", { name: "Shared with me" }).click();

  // Dark and Chinese: the listing reads the same.
  await page.evaluate(() => {
    localStorage.setItem("stratus.language", "zh-CN");
    localStorage.setItem("mantine-color-scheme-value", "dark");
  });
  await page.reload();
  await expect(page.getByRole("row", { name: /report\.txt/ })).toContainText("2.7 KB");
  await snap(page, info, "saved-file-share-listed-zh-dark");
});
