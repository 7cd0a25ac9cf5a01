// "Devices and keys" in the settings: every credential of the account in one list (a browser
// session, a WebDAV account, an S3 key made through the API), one of them revoked from the
// page and gone from the API's list too.
import { expect, test } from "@playwright/test";
import { apiAs, fillSignIn, snap, snapAll } from "./helpers";
import { expectAccessible, newAccount } from "./site";

type Credential = { kind: string; id: string; name: string; root?: string; read_only: boolean };

test("devices and keys are listed in one place and one is revoked", async ({
  page,
  request,
}, info) => {
  test.setTimeout(120_000);
  // The administrators' group may use WebDAV and have S3 keys.
  const account = await newAccount(request, "keys", 1);
  const api = await apiAs(request, account);
  await api("PUT", "/devices/dav", {
    body: { uri: "cloudreve://my", name: "laptop webdav", readonly: true },
  });
  await api("PUT", "/devices/s3", {
    body: { uri: "cloudreve://my", name: "backup key", readonly: false },
  });

  await page.goto("/session");
  await fillSignIn(page, account);
  await expect(page).toHaveURL(/\/home/);
  await page.goto("/settings");
  const section = page.getByRole("region", { name: "Devices and keys" });
  const rows = section.getByTestId("credential");
  await expect(rows.filter({ hasText: "laptop webdav" })).toBeVisible();
  await expect(rows.filter({ hasText: "backup key" })).toBeVisible();
  await expect(rows.filter({ hasText: "This device" })).toBeVisible();
  const dav = rows.filter({ hasText: "laptop webdav" });
  await expect(dav.getByText("Folder / · read-only")).toBeVisible();
  await section.scrollIntoViewIfNeeded();
  await snapAll(page, info, "credentials-listed");
  await expectAccessible(page, "the devices and keys");

  await section.getByRole("button", { name: /^Revoke laptop webdav$/ }).click();
  const confirm = page.getByRole("dialog", { name: "Revoke this credential?" });
  await expect(confirm.getByText(/laptop webdav will be refused/)).toBeVisible();
  await confirm.getByRole("button", { name: "Revoke" }).click();
  await expect(rows.filter({ hasText: "laptop webdav" })).toHaveCount(0);
  await expect(rows.filter({ hasText: "backup key" })).toBeVisible();
  await snap(page, info, "credentials-revoked");

  // The same list in Chinese: every label translated, nothing left in English.
  await page.evaluate(() => localStorage.setItem("stratus.language", "zh-CN"));
  await page.reload();
  await page.getByTestId("credential").filter({ hasText: "backup key" }).scrollIntoViewIfNeeded();
  await snap(page, info, "credentials-zh");
  await page.evaluate(() => localStorage.setItem("stratus.language", "en-US"));

  const listed = await api<Credential[]>("GET", "/devices/credentials");
  expect(listed.some((c) => c.kind === "webdav")).toBe(false);
  expect(listed.filter((c) => c.kind === "s3_key").map((c) => c.read_only)).toEqual([false]);
});
