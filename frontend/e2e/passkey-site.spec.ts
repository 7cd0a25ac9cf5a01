// A passkey added at another address than the site address setting: the browser refuses with
// only "This is an invalid domain"; the page names both addresses and what to do.
import { expect, test } from "@playwright/test";
import { ACCOUNTS } from "./accounts";
import { apiAs, fillSignIn, snap } from "./helpers";
import { localhostBase, newAccount, setSiteSettings } from "./site";

test("a passkey at another address than the site's names both", async ({ page, request }, info) => {
  const account = await newAccount(request, "elsewhere");
  // The suite's server is at 127.0.0.1; the site address names it on localhost. Other specs
  // leave the setting as they need it, so it is set here and put back after.
  const admin = await apiAs(request, ACCOUNTS.admin);
  const saved = await admin<Record<string, string>>("POST", "/admin/settings", {
    body: { keys: ["siteURL"] },
  });
  await setSiteSettings(request, { siteURL: localhostBase() });
  try {
    await page.goto("/session");
    await fillSignIn(page, account);
    await expect(page).toHaveURL(/\/home/, { timeout: 30_000 });
    await page.goto("/settings");
    const client = await page.context().newCDPSession(page);
    await client.send("WebAuthn.enable");
    await client.send("WebAuthn.addVirtualAuthenticator", {
      options: {
        protocol: "ctap2",
        transport: "internal",
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
      },
    });
    await page.getByRole("button", { name: "Add a passkey" }).click();
    await expect(
      page.getByText(/the site address setting names \S+, the browser is at 127\.0\.0\.1/),
    ).toBeVisible();
    await snap(page, info, "passkey-wrong-site");
  } finally {
    await setSiteSettings(request, { siteURL: saved.siteURL ?? localhostBase() });
  }
});
