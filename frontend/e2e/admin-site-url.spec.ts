// The dashboard warns while the console is open at an address none of the site URLs has
// (passkeys then fail with "This is an invalid domain", links and mails lead elsewhere), and
// says nothing once the site URL is the address in use.
import { expect, test } from "@playwright/test";
import { ACCOUNTS } from "./accounts";
import { openAdmin } from "./admin-helpers";
import { apiAs, snap } from "./helpers";
import { expectAccessible, setSiteSettings } from "./site";

test("the dashboard warns when the site URL is not the address in use", async ({
  page,
  request,
}, info) => {
  const admin = await apiAs(request, ACCOUNTS.admin);
  const saved = await admin<Record<string, string>>("POST", "/admin/settings", {
    body: { keys: ["siteURL"] },
  });
  const here = new URL(process.env.STRATUS_E2E_BASE ?? "").origin;
  try {
    await setSiteSettings(request, { siteURL: "https://drive.example.com" });
    await openAdmin(page, "dashboard");
    const warning = page.getByTestId("site-url-warning");
    await expect(warning).toBeVisible();
    await expect(warning).toContainText(`You are at ${here}`);
    await expect(warning).toContainText("the site URL is https://drive.example.com");
    await expect(warning).toContainText("This is an invalid domain");
    await expect(page.getByTestId("total-files")).toBeVisible();
    await snap(page, info, "dashboard-site-url-warning");
    await expectAccessible(page, "dashboard with the site URL warning");
    await page.emulateMedia({ colorScheme: "dark" });
    await snap(page, info, "dashboard-site-url-warning-dark");
    await page.emulateMedia({ colorScheme: "light" });

    // The way to the setting.
    await warning.getByRole("button", { name: "Change the site URL" }).click();
    await expect(page).toHaveURL(/\/admin\/settings/);

    // One of several site URLs being the address in use is enough.
    await setSiteSettings(request, { siteURL: `https://drive.example.com, ${here}` });
    await page.goto("/admin/dashboard");
    await expect(page.getByTestId("total-files")).toBeVisible();
    await expect(page.getByTestId("site-url-warning")).toHaveCount(0);
  } finally {
    await setSiteSettings(request, { siteURL: saved.siteURL ?? "http://localhost:5212" });
  }
});
