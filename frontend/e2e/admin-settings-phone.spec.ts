// The console's settings on a phone: the sections are one drop-down list instead of rows of
// tabs, and picking one shows its settings.
import { expect, test } from "@playwright/test";
import { openAdmin } from "./admin-helpers";
import { snap } from "./helpers";

test("at 390 px the settings sections are one drop-down", async ({ page }, info) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await openAdmin(page, "settings");
  const section = page.getByRole("combobox", { name: "Settings section" });
  await expect(section).toBeVisible();
  await expect(page.getByRole("tab", { name: "Guard" })).toBeHidden();
  await section.selectOption({ label: "Guard" });
  await expect(page.getByLabel("Changes that stop a credential")).toBeVisible();
  await snap(page, info, "admin-settings-phone");
});
