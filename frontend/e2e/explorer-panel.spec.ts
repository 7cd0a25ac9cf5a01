// The details panel stays open beside the list and follows the selection, with a sharing
// section listing the file's links; the explorer's icon buttons have a name and a tooltip.
import { expect, test } from "@playwright/test";
import { freshUser, mkfile, my, row, signIn } from "./explorer-helpers";
import { snap } from "./helpers";

test("the panel follows the selection and lists the file's share links", async ({
  page,
  request,
}, info) => {
  const { account, api } = await freshUser(request, "panel");
  await mkfile(api, ["shared.txt"], "shared\n");
  await mkfile(api, ["private.txt"], "private\n");
  const link = await api<string>("PUT", "/share", { body: { uri: my("shared.txt") } });
  await signIn(page, account);

  await row(page, "shared.txt").click();
  await page.keyboard.press("Alt+Enter");
  const panel = page.getByRole("complementary", { name: "shared.txt" });
  const sharing = panel.getByTestId("info-sharing");
  await expect(sharing).toContainText(link);
  await expect(sharing).toContainText("0 views, 0 downloads");
  await snap(page, info, "panel-light-desktop");

  // A checkbox adds a row without closing the panel; a click on another row moves it there.
  await page.getByRole("checkbox", { name: "Select private.txt" }).check();
  await expect(panel).toBeVisible();
  await row(page, "private.txt").click();
  const other = page.getByRole("complementary", { name: "private.txt" });
  await expect(other.getByTestId("info-sharing")).toContainText("Not shared by a link.");

  // Icon buttons of the list and the panel say what they do, aloud and on hover.
  for (const name of ["Columns", "Actions for private.txt", "Close"]) {
    await page.getByRole("button", { name, exact: true }).first().hover();
    await expect(page.getByRole("tooltip")).toHaveText(name);
    await page.mouse.move(0, 0);
    await expect(page.getByRole("tooltip")).toHaveCount(0);
  }
  await page.emulateMedia({ colorScheme: "dark" });
  await snap(page, info, "panel-dark-desktop");

  await page.setViewportSize({ width: 390, height: 760 });
  await page.keyboard.press("Escape");
  await row(page, "shared.txt").click();
  await page.keyboard.press("Alt+Enter");
  await expect(
    page.getByRole("dialog", { name: "shared.txt" }).getByTestId("info-sharing"),
  ).toContainText(link);
  await snap(page, info, "panel-dark-phone");
  await page.emulateMedia({ colorScheme: "light" });
  await snap(page, info, "panel-light-phone");
});
