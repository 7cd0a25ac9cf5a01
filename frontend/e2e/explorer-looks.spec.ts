// Screenshots of the explorer's new screens in light and dark, in Simplified Chinese and at
// 375 px, to be looked at; and no English left on the zh-CN screens.
import { expect, test } from "@playwright/test";
import { freshUser, mkdir, mkfile, row, signIn } from "./explorer-helpers";
import { snap } from "./helpers";

test("light, dark, zh-CN and phone screenshots", async ({ page, request }, info) => {
  const { account, api } = await freshUser(request, "looks");
  await mkdir(api, "Documents");
  await mkdir(api, "Photos");
  await mkfile(api, ["budget.csv"], "a,b\n1,2\n");
  await mkfile(api, ["holiday.jpg"], "not really a picture");
  await mkfile(api, ["readme.md"], "# hello");
  await signIn(page, account);

  await row(page, "budget.csv").click();
  await row(page, "readme.md").click({ modifiers: ["Shift"] });
  await snap(page, info, "looks-light-selection");
  await row(page, "readme.md").click({ button: "right" });
  await snap(page, info, "looks-light-menu");
  await page.keyboard.press("Escape");

  await page.evaluate(() => {
    localStorage.setItem("mantine-color-scheme-value", "dark");
    localStorage.setItem("stratus.language", "zh-CN");
  });
  await page.reload();
  await expect(row(page, "budget.csv")).toBeVisible();
  await page.getByRole("button", { name: "缩略图视图" }).click();
  await snap(page, info, "looks-dark-zh-grid");
  await row(page, "Photos").click({ button: "right" });
  await snap(page, info, "looks-dark-zh-menu");
  await page.keyboard.press("Escape");
  await page.getByRole("button", { name: "搜索筛选" }).click();
  await snap(page, info, "looks-dark-zh-search");
  await page.keyboard.press("Escape");
  await row(page, "readme.md").click();
  await page.keyboard.press("Alt+Enter");
  await expect(page.getByRole("complementary", { name: "readme.md" })).toContainText("版本");
  await snap(page, info, "looks-dark-zh-info");
  await page.keyboard.press("Escape");
  const text = (await page.locator("main").textContent()) ?? "";
  expect(text).not.toMatch(/explorer\.|Move to|Search|Sort|Versions/);

  await page.evaluate(() => localStorage.setItem("mantine-color-scheme-value", "light"));
  await page.setViewportSize({ width: 375, height: 740 });
  await page.reload();
  // On a phone the view switch is in the toolbar's "more" menu.
  await page.getByRole("button", { name: "更多操作" }).click();
  await page.getByRole("menuitem", { name: "列表视图" }).click();
  await row(page, "budget.csv").click();
  await snap(page, info, "looks-375-zh-list");
  await row(page, "budget.csv").click({ button: "right" });
  await page.getByRole("menuitem", { name: "移动到…" }).click();
  await expect(page.getByRole("dialog").getByRole("button", { name: "Documents" })).toBeVisible();
  await snap(page, info, "looks-375-zh-move");
});
