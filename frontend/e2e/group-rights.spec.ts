// What a group lets a user connect. A new install's User group has WebDAV (and so the sync
// apps) and S3 keys; a user whose group lacks one reads so in Settings → Devices, S3 keys and on
// the device approval page, before filling anything in; the group form says the Nextcloud apps
// need "Use WebDAV".
import { expect, test } from "@playwright/test";
import { openAdmin } from "./admin-helpers";
import { groupWithout, S3_BIT, WEBDAV_BIT } from "./group-rights";
import { fillSignIn, snap, snapAll } from "./helpers";
import { expectAccessible, newAccount } from "./site";

const AGENT =
  "Mozilla/5.0 (Windows) mirall/3.14.1 (Nextcloud, windows-10.0 ClientArchitecture: x86_64)";

test("a new install's users may connect WebDAV, sync apps and S3 keys", async ({
  page,
  request,
}) => {
  const account = await newAccount(request, "fresh");
  await page.goto("/session");
  await fillSignIn(page, account);
  await expect(page).toHaveURL(/\/home/, { timeout: 30_000 });
  await page.goto("/settings");
  await expect(page.getByRole("button", { name: "Add a WebDAV account" })).toBeVisible();
  const devices = page.getByRole("region", { name: "Devices", exact: true });
  await expect(devices.getByRole("link", { name: "Connect a sync client" })).toBeVisible();
  await expect(devices.getByTestId("devices-unavailable")).toHaveCount(0);
  const s3 = page.getByRole("region", { name: "S3 keys" });
  await expect(s3.getByRole("button", { name: "Add an S3 key" })).toBeVisible();
  await expect(s3.getByTestId("s3-unavailable")).toHaveCount(0);
});

test("a group without WebDAV and S3 keys is told so before anything is filled in", async ({
  page,
  request,
}, info) => {
  test.setTimeout(120_000);
  const base = info.project.use.baseURL ?? "";
  const group = await groupWithout(request, "No devices", [WEBDAV_BIT, S3_BIT]);
  const account = await newAccount(request, "nodevices", group);
  await page.goto("/session");
  await fillSignIn(page, account);
  await expect(page).toHaveURL(/\/home/, { timeout: 30_000 });

  await page.goto("/settings");
  const devices = page.getByRole("region", { name: "Devices", exact: true });
  await expect(devices.getByTestId("devices-unavailable")).toContainText("Ask an administrator");
  await expect(devices.getByRole("link", { name: "Connect a sync client" })).toHaveCount(0);
  const s3 = page.getByRole("region", { name: "S3 keys" });
  await expect(s3.getByTestId("s3-unavailable")).toContainText("Ask an administrator");
  await expect(s3.getByRole("button", { name: "Add an S3 key" })).toHaveCount(0);
  await devices.scrollIntoViewIfNeeded();
  await snap(page, info, "settings-devices-not-allowed");
  await s3.scrollIntoViewIfNeeded();
  await snap(page, info, "settings-s3-not-allowed");
  await expectAccessible(page, "settings without devices");

  // A desktop app starts a login flow: the page says why it cannot be approved.
  const started = (await (
    await fetch(`${base}/index.php/login/v2`, { method: "POST", headers: { "User-Agent": AGENT } })
  ).json()) as { login: string };
  await page.goto(started.login);
  await expect(page.getByTestId("device-name")).toHaveText("Nextcloud desktop (Windows)");
  await expect(page.getByTestId("device-not-allowed")).toContainText("Ask an administrator");
  await expect(page.getByRole("button", { name: "Approve" })).toHaveCount(0);
  // A desktop app is shown as a computer, not a phone.
  await expect(page.locator('svg[data-kind="desktop"]')).toHaveCount(1);
  await snapAll(page, info, "device-approval-not-allowed");
  await expectAccessible(page, "device approval without WebDAV");
});

test("the group form says the sync apps need WebDAV", async ({ page }, info) => {
  await openAdmin(page, "groups");
  await page.getByRole("button", { name: "New group" }).click();
  const dialog = page.getByRole("dialog", { name: "New group" });
  const webdav = dialog.getByRole("checkbox", {
    name: "Use WebDAV (the Nextcloud and ownCloud sync apps need it too)",
  });
  await webdav.scrollIntoViewIfNeeded();
  await expect(webdav).toBeVisible();
  await snap(page, info, "admin-group-webdav");
});
