// The admin console's users, groups and audit log against the real server: a group and a user
// made through the pages, the user's own view of the group's quota in a second browser, a ban
// that ends the user's open session, and the ban found in the audit log (and its CSV export).
import { readFileSync } from "node:fs";
import { expect, type Page, test } from "@playwright/test";
import { ACCOUNTS } from "./accounts";
import { openAdmin, unique } from "./admin-helpers";
import { apiAs, fillSignIn, snap, totp } from "./helpers";

type Row = {
  id: number;
  name?: string;
  email?: string;
  status?: string;
  group_users?: number;
  settings?: Record<string, unknown>;
};
type Page1<K extends string> = Record<K, Row[]>;

async function findGroup(page: Page, name: string): Promise<Row | undefined> {
  const admin = await apiAs(page.request, ACCOUNTS.admin);
  const { groups } = await admin<Page1<"groups">>("POST", "/admin/group", {
    body: { page: 1, page_size: 2000 },
  });
  return groups.find((g) => g.name === name);
}

async function findUser(page: Page, email: string): Promise<Row | undefined> {
  const admin = await apiAs(page.request, ACCOUNTS.admin);
  const { users } = await admin<Page1<"users">>("POST", "/admin/user", {
    body: { page: 1, page_size: 50, searches: { user_email: email } },
  });
  return users.find((u) => u.email === email);
}

test("a group and a user made in the console; the user sees the quota, a ban ends their session, the audit log has it", async ({
  page,
  browser,
}, info) => {
  test.setTimeout(120_000);
  const groupName = unique("team");
  const email = `${unique("member")}@example.com`;
  const password = "member-password-1";

  // The group: 3 GB for each member.
  await openAdmin(page, "groups");
  await page.getByRole("button", { name: "New group" }).click();
  const groupDialog = page.getByRole("dialog", { name: "New group" });
  await groupDialog.getByRole("textbox", { name: "Name" }).fill(groupName);
  await groupDialog.getByRole("textbox", { name: "Quota" }).fill("3");
  await expect(groupDialog.getByRole("checkbox", { name: "Create share links" })).toBeChecked();
  // Each permission is named as the API names it, not "Permission bit N".
  await expect(groupDialog.getByText("share_download (bit 7)")).toBeVisible();
  await expect(groupDialog.getByText(/Permission bit/)).toHaveCount(0);
  // The per-user caps show the server's defaults until set, since 0 would lift them.
  await expect(groupDialog.getByRole("textbox", { name: "Queued tasks per user" })).toHaveValue(
    "100",
  );
  await expect(groupDialog.getByRole("textbox", { name: "WebDAV accounts per user" })).toHaveValue(
    "100",
  );
  await groupDialog.getByRole("textbox", { name: "Shares per user" }).fill("25");
  await groupDialog.getByRole("button", { name: "New group" }).click();
  await expect(groupDialog).toBeHidden();
  await expect(page.getByRole("button", { name: groupName, exact: true })).toBeVisible();
  const group = await findGroup(page, groupName);
  expect(group).toBeTruthy();
  expect(group?.settings?.max_shares).toBe(25);

  // The user, in that group.
  await page.getByRole("link", { name: "Users", exact: true }).click();
  await page.getByRole("button", { name: "New user" }).click();
  const userDialog = page.getByRole("dialog", { name: "New user" });
  await userDialog.getByRole("textbox", { name: "E-mail" }).fill(email);
  await userDialog.getByRole("textbox", { name: "Nick" }).fill("Member");
  await userDialog.getByRole("textbox", { name: "Password" }).fill(password);
  await userDialog.getByRole("combobox", { name: "Group" }).click();
  await page.getByRole("option", { name: groupName }).click();
  await userDialog.getByRole("button", { name: "New user" }).click();
  await expect(userDialog).toBeHidden();
  const user = await findUser(page, email);
  expect(user?.group_users).toBe(group?.id);

  // The user, signed in elsewhere, sees the group's quota.
  const other = await browser.newContext({ baseURL: process.env.STRATUS_E2E_BASE });
  const member = await other.newPage();
  await member.goto("/session");
  await fillSignIn(member, { email, password, admin: false } as never);
  await expect(member).toHaveURL(/\/home/);
  await expect(member.getByText(/of 3\.0 GB used/)).toBeVisible();

  // Found by the e-mail search and banned, after a confirmation that says what a ban does.
  await page.getByRole("textbox", { name: "E-mail" }).fill(email);
  await expect(page).toHaveURL(/user_email=/);
  await expect(page.getByRole("row")).toHaveCount(2);
  await page.getByRole("button", { name: `Ban ${email}` }).click();
  const confirm = page.getByRole("dialog", { name: `Ban ${email}?` });
  await expect(confirm).toContainText("signed out on its next request");
  await confirm.getByRole("button", { name: "Ban" }).click();
  await expect(confirm).toBeHidden();
  await expect(page.getByRole("row").nth(1)).toContainText("Banned");
  expect((await findUser(page, email))?.status).toBe("manual_banned");

  // The user's next request is refused by the server (40017), which ends the open session:
  // the page goes to the sign-in form, and a reload does not bring the session back.
  await member.getByRole("link", { name: "Trash" }).click();
  await expect(member).toHaveURL(/\/session/);
  await member.reload();
  await expect(member).toHaveURL(/\/session/);
  await other.close();

  // The ban in the audit log: administrators' changes only, its details, and the CSV.
  await page.getByRole("link", { name: "Audit log" }).click();
  await page.getByRole("combobox", { name: "Type" }).click();
  await page.getByRole("option", { name: "Administrator's change" }).click();
  await expect(page).toHaveURL(/event_type=60/);
  const ban = page.getByRole("row").filter({ hasText: `user #${user?.id} update: status` });
  await expect(ban).toHaveCount(1);
  await ban.getByRole("button", { name: /Details of event/ }).click();
  const details = page.getByRole("dialog", { name: /^Event \d+$/ });
  await expect(details).toContainText("manual_banned");
  await expect(details).toContainText(ACCOUNTS.admin.email);
  // The content reads field by field, not as JSON.
  const content = details.getByTestId("event-content");
  await expect(content.getByRole("row", { name: /changes › status/ })).toContainText(
    "active → manual_banned",
  );
  await expect(content.getByRole("row", { name: /^target/ })).toContainText("user");
  await expect(details).not.toContainText("{");
  await expect(ban).not.toContainText("{");
  await snap(page, info, "admin-audit-details");
  await details
    .getByRole("button", { name: "Close" })
    .or(details.locator(".mantine-Modal-close"))
    .first()
    .click();
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export CSV" }).click();
  const file = await (await download).path();
  const csv = readFileSync(file, "utf8");
  expect(csv.split("\r\n")[0]).toBe(
    "id,time,type,type_name,user_id,user_email,ip,user_agent,correlation_id,content",
  );
  expect(csv).toContain("manual_banned");
  expect(csv).not.toContain(",Sign-in,");

  // The administrator's own row offers no ban.
  await page.getByRole("link", { name: "Users", exact: true }).click();
  await page.getByRole("textbox", { name: "E-mail" }).fill(ACCOUNTS.admin.email);
  await expect(page.getByRole("row")).toHaveCount(2);
  await expect(page.getByRole("button", { name: `Edit ${ACCOUNTS.admin.email}` })).toBeVisible();
  await expect(page.getByRole("button", { name: `Ban ${ACCOUNTS.admin.email}` })).toHaveCount(0);
  await snap(page, info, "admin-users-own-row");
});

test("a group with members cannot be deleted, and the console says why", async ({ page }) => {
  const admin = await apiAs(page.request, ACCOUNTS.admin);
  const name = unique("busy");
  const group = await admin<Row>("PUT", "/admin/group", {
    body: { group: { name, max_storage: 1024 ** 3 } },
  });
  await admin("PUT", "/admin/user", {
    body: {
      user: { email: `${unique("in-busy")}@example.com`, nick: "x", group_users: group.id },
      password: "in-busy-password-1",
    },
  });
  await openAdmin(page, "groups");
  await page.getByRole("button", { name: `Delete ${name}` }).click();
  const confirm = page.getByRole("dialog", { name: `Delete the group ${name}?` });
  await confirm.getByRole("button", { name: "Delete" }).click();
  await expect(confirm.getByRole("alert")).toContainText("still has members");
  await expect(confirm).toBeVisible();
  expect(await findGroup(page, name)).toBeTruthy();
});

test("users deleted together, after a confirmation naming each", async ({ page }) => {
  const admin = await apiAs(page.request, ACCOUNTS.admin);
  const prefix = unique("gone");
  const emails = [`${prefix}-a@example.com`, `${prefix}-b@example.com`];
  for (const email of emails) {
    await admin("PUT", "/admin/user", {
      body: { user: { email, nick: "gone" }, password: "gone-password-1" },
    });
  }
  await openAdmin(page, `users?user_email=${prefix}`);
  await expect(page.getByRole("row")).toHaveCount(3);
  await page.getByRole("checkbox", { name: "Select every row on this page" }).check();
  await expect(page.getByText("2 selected")).toBeVisible();
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  const confirm = page.getByRole("dialog", { name: "Delete" });
  await expect(confirm).toContainText("Accounts to delete: 2. They go for good");
  for (const email of emails) await expect(confirm).toContainText(email);
  await confirm.getByRole("button", { name: "Delete accounts and their files" }).click();
  await expect(confirm).toBeHidden();
  await expect(page.getByText("Nothing here.")).toBeVisible();
  for (const email of emails) expect(await findUser(page, email)).toBeUndefined();
});

test("an account's password is changed and its storage recounted from the edit dialog", async ({
  page,
}) => {
  const admin = await apiAs(page.request, ACCOUNTS.admin);
  const email = `${unique("edit")}@example.com`;
  await admin("PUT", "/admin/user", {
    body: { user: { email, nick: "edit" }, password: "edit-password-1" },
  });
  await openAdmin(page, `users?user_email=${email}`);
  await page.getByRole("button", { name: `Edit ${email}` }).click();
  const dialog = page.getByRole("dialog", { name: `Edit ${email}` });
  await expect(dialog).toContainText("0 B used of 1.0 GB");
  await dialog.getByRole("button", { name: "Recount storage" }).click();
  await expect(page.getByText("Storage recounted: 0 B in use.")).toBeVisible();
  await dialog.getByRole("textbox", { name: "New password" }).fill("short");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toContainText("A password has 6 to 128 characters.");
  await dialog.getByRole("textbox", { name: "New password" }).fill("edit-password-2");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  await apiAs(page.request, { email, password: "edit-password-2", admin: false } as never);

  // The account's own events are one link away: the sign-in just made with the new password.
  await page.getByRole("button", { name: `Edit ${email}` }).click();
  await page.getByRole("link", { name: "See this user's events in the audit log" }).click();
  await expect(page).toHaveURL(/\/admin\/events\?event_user_id=\d+$/);
  await expect(page.getByRole("textbox", { name: "User ID" })).not.toHaveValue("");
  await expect(page.getByRole("row").filter({ hasText: email })).toHaveCount(1);
  await expect(page.getByRole("row").nth(1)).toContainText("Sign-in");
});

test("an administrator turns off the 2FA of a user who lost their authenticator", async ({
  page,
}) => {
  const admin = await apiAs(page.request, ACCOUNTS.admin);
  const email = `${unique("lost")}@example.com`;
  const password = "lost-password-1";
  await admin("PUT", "/admin/user", { body: { user: { email, nick: "lost" }, password } });
  const own = await apiAs(page.request, { email, password, admin: false } as never);
  const secret = await own<string>("GET", "/user/setting/2fa");
  await own("PATCH", "/user/setting", {
    body: { two_fa_enabled: true, two_fa_code: totp(secret) },
  });

  await openAdmin(page, `users?user_email=${email}`);
  await expect(page.getByRole("row").nth(1)).toContainText("2FA");
  await page.getByRole("button", { name: `Edit ${email}` }).click();
  const dialog = page.getByRole("dialog", { name: `Edit ${email}` });
  await dialog.getByRole("button", { name: "Turn off 2FA" }).click();
  await expect(dialog).toContainText("Will be turned off when you save.");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("row").nth(1)).not.toContainText("2FA");
  expect((await findUser(page, email)) as { two_fa_enabled?: boolean }).toMatchObject({
    two_fa_enabled: false,
  });
  // The password alone signs in again.
  await apiAs(page.request, { email, password, admin: false } as never);
});
