// A sync client signs in with the Nextcloud login flow v2: a poller (node fetch, as the app)
// starts the flow, the browser signs in on the login page and approves the device, the poll
// answers the app password once, which then opens WebDAV and the OCS user; the settings list
// the device, and revoking it there refuses its next request. The "Connect a sync client"
// page names the apps and the address. Screenshots in light, dark, at phone width and in
// Chinese.
import { expect, test } from "@playwright/test";
import { fillSignIn, snap, snapAll } from "./helpers";
import { expectAccessible, newAccount } from "./site";

const AGENT = "Mozilla/5.0 (Linux) mirall/3.7.3 (Nextcloud, debian ClientArchitecture: x86_64)";

test("a device signs in with login flow v2 and is revoked from the settings", async ({
  page,
  request,
}, info) => {
  test.setTimeout(120_000);
  const base = info.project.use.baseURL ?? "";
  // The administrators' group: it may use WebDAV, which an app password needs.
  const account = await newAccount(request, "syncer", 1);

  // The app starts the flow.
  const started = (await (
    await fetch(`${base}/index.php/login/v2`, { method: "POST", headers: { "User-Agent": AGENT } })
  ).json()) as { poll: { token: string; endpoint: string }; login: string };
  const poll = () =>
    fetch(started.poll.endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: started.poll.token }),
    });
  expect((await poll()).status).toBe(404);

  // The browser opens the login page: sign in first, then back to it.
  await page.goto(started.login);
  await expect(page).toHaveURL(/\/session\?/);
  await fillSignIn(page, account);
  await expect(page.getByTestId("device-name")).toHaveText("Nextcloud desktop (Linux)", {
    timeout: 30_000,
  });
  await expect(page.getByText(account.email)).toBeVisible();
  await snapAll(page, info, "device-approval");
  await expectAccessible(page, "device approval");
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByRole("status")).toContainText("The device is connected");
  await snapAll(page, info, "device-approved");

  // The poll answers once.
  const answer = await poll();
  expect(answer.status).toBe(200);
  const creds = (await answer.json()) as { server: string; loginName: string; appPassword: string };
  expect(creds.loginName).toBe(account.email);
  expect((await poll()).status).toBe(404);
  const basic = `Basic ${Buffer.from(`${creds.loginName}:${creds.appPassword}`).toString("base64")}`;
  const propfind = () =>
    fetch(`${creds.server}/dav/`, {
      method: "PROPFIND",
      headers: { Authorization: basic, Depth: "0" },
    });
  expect((await propfind()).status).toBe(207);
  const user = await fetch(`${creds.server}/ocs/v2.php/cloud/user?format=json`, {
    headers: { Authorization: basic, "OCS-APIRequest": "true" },
  });
  expect(user.status).toBe(200);

  // The settings list it; revoking it refuses the next request.
  await page.goto("/settings");
  const devices = page.getByRole("region", { name: "Devices", exact: true });
  await expect(devices.getByTestId("app-password")).toHaveCount(1);
  await expect(devices.getByText("Nextcloud desktop (Linux)")).toBeVisible();
  await devices.scrollIntoViewIfNeeded();
  await snapAll(page, info, "devices");
  await expectAccessible(page, "devices");
  await devices.getByRole("button", { name: "Revoke Nextcloud desktop (Linux)" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke" }).click();
  await expect(devices.getByText("No sync clients yet.")).toBeVisible();
  expect((await propfind()).status).toBe(401);

  // How to connect one.
  await devices.getByRole("link", { name: "Connect a sync client" }).click();
  await expect(page.getByRole("heading", { name: "Connect a sync client" })).toBeVisible();
  await expect(page.getByTestId("server-address")).toHaveText(new URL(page.url()).origin);
  for (const os of ["Windows", "macOS", "Linux", "Android", "iOS"]) {
    await expect(page.getByRole("cell", { name: os, exact: true })).toBeVisible();
  }
  await snapAll(page, info, "sync-clients");
  await expectAccessible(page, "sync clients");

  // The same pages in Chinese.
  await page.evaluate(() => localStorage.setItem("stratus.language", "zh-CN"));
  await page.reload();
  await expect(page.getByRole("heading", { name: "连接同步客户端" })).toBeVisible();
  await snap(page, info, "sync-clients-zh-CN");
  await page.goto("/settings");
  const zhDevices = page.getByRole("region", { name: "设备", exact: true });
  await expect(zhDevices.getByText("还没有同步客户端。")).toBeVisible();
  await zhDevices.scrollIntoViewIfNeeded();
  await snap(page, info, "devices-zh-CN");
});

test("a spent or unknown login page says so", async ({ page, request }) => {
  const account = await newAccount(request, "syncer2");
  await page.goto("/session");
  await fillSignIn(page, account);
  await expect(page).toHaveURL(/\/home/, { timeout: 30_000 });
  await page.goto("/session/device/not-a-token");
  await expect(page.getByRole("alert")).toContainText("does not exist or has expired");
});
