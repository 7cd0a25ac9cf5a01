// The explorer's core, driven as a person would, each change checked through the API after.
import { expect, test } from "@playwright/test";
import { ACCOUNTS } from "./accounts";
import { apiAs, type Listed, signInPage, snap, totp } from "./helpers";

test("create a folder, upload into it, rename and delete the file", async ({
  page,
  request,
}, info) => {
  await signInPage(page, ACCOUNTS.user);
  await expect(page.getByText("This folder is empty")).toBeVisible();
  await expect(page.getByText(/used$/)).toBeVisible();
  await snap(page, info, "explorer-empty");

  await page.getByRole("button", { name: "New folder" }).click();
  await page.getByLabel("Folder name").fill("Reports 2026");
  await page.getByRole("button", { name: "Create" }).click();
  await page.getByRole("button", { name: "Reports 2026", exact: true }).dblclick();
  await expect(page.getByRole("navigation", { name: "Folder path" })).toContainText("Reports 2026");
  await expect(page).toHaveURL(/path=cloudreve%3A%2F%2Fmy%2FReports%2520.*2026/);

  const body = Buffer.alloc(3 * 1024 * 1024 + 123, "stratus ");
  await page.getByTestId("upload-input").setInputFiles([
    { name: "notes.txt", mimeType: "text/plain", buffer: body },
    { name: "empty.md", mimeType: "text/markdown", buffer: Buffer.alloc(0) },
  ]);
  await expect(page.getByTestId("upload-total")).toHaveText("Uploads finished");
  await expect(page.getByRole("progressbar", { name: "Total upload progress" })).toHaveAttribute(
    "aria-valuenow",
    "100",
  );
  await expect(page.getByRole("button", { name: "notes.txt", exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "empty.md", exact: true })).toBeVisible();
  await snap(page, info, "explorer-uploaded");

  await page.getByRole("button", { name: "Actions for notes.txt" }).click();
  await page.getByRole("menuitem", { name: "Rename" }).click();
  await page.getByLabel("New name").fill("renamed.txt");
  await page.getByRole("dialog").getByRole("button", { name: "Rename" }).click();
  await expect(page.getByRole("button", { name: "renamed.txt", exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "notes.txt", exact: true })).toHaveCount(0);

  await page.getByRole("button", { name: "Actions for empty.md" }).click();
  await page.getByRole("menuitem", { name: "Move to trash" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Move to trash" }).click();
  await expect(page.getByRole("button", { name: "empty.md", exact: true })).toHaveCount(0);

  const api = await apiAs(request, ACCOUNTS.user);
  const folder = await api<Listed>("GET", "/file", {
    query: { uri: "cloudreve://my/Reports%202026" },
  });
  expect(folder.files.map((f) => [f.name, f.size])).toEqual([["renamed.txt", body.length]]);
  const trash = await api<Listed>("GET", "/file", { query: { uri: "cloudreve://trash" } });
  expect(trash.files.map((f) => f.name)).toEqual(["empty.md"]);

  await page.getByRole("link", { name: "Trash" }).click();
  await expect(page.getByRole("button", { name: "empty.md", exact: true })).toBeVisible();
  await snap(page, info, "trash");
});

test("another user sees none of it, and signs in with a 2FA code", async ({
  page,
  request,
}, info) => {
  const api = await apiAs(request, ACCOUNTS.other);
  const secret = await api<string>("GET", "/user/setting/2fa");
  await api("PATCH", "/user/setting", {
    body: { two_fa_enabled: true, two_fa_code: totp(secret) },
  });

  await page.goto("/home");
  await expect(page).toHaveURL(/\/session\?redirect=/);
  await page.getByLabel("E-mail").fill(ACCOUNTS.other.email);
  await page.getByRole("textbox", { name: "Password", exact: true }).fill(ACCOUNTS.other.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Enter the 6-digit code")).toBeVisible();
  await snap(page, info, "sign-in-2fa");
  await page.getByLabel("Authentication code").first().click();
  // The code of the next 30 s step (the server accepts one step either side): the current one
  // was just spent on enrolling.
  await page.keyboard.type(totp(secret, Date.now() + 30_000));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL(/\/home/);
  await expect(page.getByText("This folder is empty")).toBeVisible();
  await expect(page.getByRole("link", { name: "Administration" })).toHaveCount(0);
});

test("a wrong password is refused in words", async ({ page }, info) => {
  await page.goto("/session");
  await page.getByLabel("E-mail").fill(ACCOUNTS.user.email);
  await page.getByRole("textbox", { name: "Password", exact: true }).fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  // Argon2 in a debug build on a busy machine can take several seconds, as in signInPage.
  await expect(page.getByRole("alert")).toContainText("Wrong e-mail or password.", {
    timeout: 30_000,
  });
  await snap(page, info, "sign-in-refused");
});

test("the admin link is there for administrators only, and sign-out ends the session", async ({
  page,
}) => {
  await signInPage(page, ACCOUNTS.user);
  await expect(page.getByRole("link", { name: "My files" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Administration" })).toHaveCount(0);
  await page.getByRole("button", { name: "Account" }).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/session/);
  expect(await page.evaluate(() => localStorage.getItem("stratus.session"))).toBeNull();

  await signInPage(page, ACCOUNTS.admin);
  await expect(page.getByRole("link", { name: "Administration" })).toBeVisible();
});

test("a session the server no longer honours signs out", async ({ page }) => {
  await signInPage(page, ACCOUNTS.user);
  await page.evaluate(() => {
    const session = JSON.parse(localStorage.getItem("stratus.session") ?? "{}");
    session.token.access_token = "not-a-token";
    localStorage.setItem("stratus.session", JSON.stringify(session));
  });
  await page.reload();
  await expect(page).toHaveURL(/\/session\?redirect=/);
});

test("an access token about to expire is refreshed before it is used", async ({ page }) => {
  await signInPage(page, ACCOUNTS.user);
  const before = await page.evaluate(() => {
    const session = JSON.parse(localStorage.getItem("stratus.session") ?? "{}");
    session.token.access_expires = new Date(Date.now() + 60_000).toISOString();
    localStorage.setItem("stratus.session", JSON.stringify(session));
    return session.token;
  });
  await page.reload();
  await expect(page.getByRole("link", { name: "My files" })).toBeVisible();
  await expect
    .poll(() =>
      page.evaluate(() => JSON.parse(localStorage.getItem("stratus.session") ?? "{}").token),
    )
    .not.toMatchObject({ refresh_token: before.refresh_token });
  const after = await page.evaluate(
    () => JSON.parse(localStorage.getItem("stratus.session") ?? "{}").token,
  );
  expect(Date.parse(after.access_expires)).toBeGreaterThan(Date.now() + 10 * 60_000);
  await expect(page).toHaveURL(/\/home/);
});

test("dark mode, Chinese and a phone screen", async ({ page }, info) => {
  await page.setViewportSize({ width: 375, height: 740 });
  await page.addInitScript(() => localStorage.setItem("stratus.language", "zh-CN"));
  await page.goto("/session");
  await expect(page.getByRole("button", { name: "登录" })).toBeVisible();
  await snap(page, info, "phone-sign-in-zh");
  await page.getByLabel("邮箱").fill(ACCOUNTS.user.email);
  await page.getByRole("textbox", { name: "密码", exact: true }).fill(ACCOUNTS.user.password);
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page).toHaveURL(/\/home/);
  await expect(page.getByRole("button", { name: "上传" })).toBeVisible();
  await page.getByRole("button", { name: "切换到深色模式" }).click();
  await expect(page.locator("html")).toHaveAttribute("data-mantine-color-scheme", "dark");
  await snap(page, info, "phone-explorer-zh-dark");
  // No key shows through untranslated.
  const text = (await page.locator("body").textContent()) ?? "";
  expect(text).not.toMatch(/\b(explorer|shell|nav|signIn|uploads|errors?)\.[a-zA-Z]/);
  await page.getByRole("button", { name: "显示或隐藏导航" }).click();
  await expect(page.getByRole("link", { name: "回收站" })).toBeVisible();
  await snap(page, info, "phone-nav-zh-dark");
});
