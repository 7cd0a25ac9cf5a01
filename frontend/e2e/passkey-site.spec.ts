// A passkey added at another address than the site address setting: the browser refuses with
// only "This is an invalid domain"; the page names both addresses and what to do.
import { expect, test } from "@playwright/test";
import { fillSignIn, snap } from "./helpers";
import { newAccount } from "./site";

test("a passkey at another address than the site's names both", async ({ page, request }, info) => {
  const account = await newAccount(request, "elsewhere");
  // The suite's server is at 127.0.0.1; its site address is on localhost.
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
});
