// Refusals read as one plain sentence: a known code's translation alone (the server's words,
// which say the same, are not added in parentheses), and a user whose group has no WebDAV is
// told so in a sentence, not in a red box.
import { expect, test } from "@playwright/test";
import { ACCOUNTS } from "./accounts";
import { groupWithout, WEBDAV_BIT } from "./group-rights";
import { fillSignIn, snap } from "./helpers";
import { expectAccessible, newAccount } from "./site";

test("a wrong password is one sentence, not two", async ({ page }, info) => {
  await page.goto("/session");
  await page.getByLabel("E-mail").fill(ACCOUNTS.user.email);
  await page.getByRole("textbox", { name: "Password", exact: true }).fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  // Argon2 in a debug build on a busy machine can take several seconds.
  const alert = page.getByRole("alert").filter({ hasText: "Wrong e-mail or password." });
  await expect(alert).toBeVisible({ timeout: 30_000 });
  await expect(alert).toHaveText("Wrong e-mail or password.");
  await snap(page, info, "sign-in-wrong-password");
});

test("a user without WebDAV reads why, in a plain sentence", async ({ page, request }, info) => {
  const group = await groupWithout(request, "No WebDAV", [WEBDAV_BIT]);
  const account = await newAccount(request, "nodav", group);
  await page.goto("/session");
  await fillSignIn(page, account);
  await expect(page).toHaveURL(/\/home/, { timeout: 30_000 });
  await page.goto("/settings");
  const dav = page.getByRole("region", { name: "WebDAV" });
  await expect(dav.getByTestId("dav-unavailable")).toHaveText(
    "Your group does not include WebDAV, so you cannot connect a computer or phone this way. An administrator can turn it on for your group.",
  );
  await expect(dav.getByRole("alert")).toHaveCount(0);
  await expect(dav.getByRole("button", { name: "Add a WebDAV account" })).toHaveCount(0);
  await expect(dav.getByTestId("dav-url")).toHaveCount(0);
  await expect(page.getByText("(your group cannot use WebDAV)")).toHaveCount(0);
  await dav.scrollIntoViewIfNeeded();
  await snap(page, info, "settings-without-webdav");
  await expectAccessible(page, "settings without WebDAV");
});
