// Accounts: sign-up with the activation mail, the forgotten-password mail and reset, passkeys
// (a CDP virtual authenticator, on `localhost` as WebAuthn wants), each checked through the API.
import { expect, test } from "@playwright/test";
import { apiAs, fillSignIn, snap } from "./helpers";
import {
  expectAccessible,
  linkIn,
  localhostBase,
  MailCatcher,
  newAccount,
  setSiteSettings,
} from "./site";

let mail: MailCatcher;

test.beforeAll(async ({ request }) => {
  mail = await MailCatcher.start();
  await setSiteSettings(request, {
    ...mail.settings(),
    siteURL: `${localhostBase()}, ${process.env.STRATUS_E2E_BASE}`,
  });
});

test.afterAll(async ({ request }) => {
  await setSiteSettings(request, { email_active: "0", register_enabled: "1" });
  mail.close();
});

test("sign up, activate from the mail, then sign in", async ({ page, request }, info) => {
  await setSiteSettings(request, { email_active: "1", register_enabled: "1" });
  const email = `new-${Date.now().toString(36)}@example.com`;
  const password = "new-password-1";

  await page.goto("/session");
  await expectAccessible(page, "sign-in");
  await page.getByRole("link", { name: "Create an account" }).click();
  // The address changes before the next page is drawn: wait for the page, as a person does.
  await expect(page.getByRole("heading", { name: "Create an account" })).toBeVisible();
  await page.getByLabel("E-mail").fill(email);
  await page.getByRole("textbox", { name: "Password", exact: true }).fill(password);
  await page.getByRole("textbox", { name: "Repeat the password" }).fill("not-the-same");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("alert")).toHaveText("The two passwords are not the same.");
  await page.getByRole("textbox", { name: "Repeat the password" }).fill(password);
  await snap(page, info, "sign-up");
  await expectAccessible(page, "sign-up");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("status")).toContainText(`We sent a link to ${email}`);
  await snap(page, info, "sign-up-check-mail");

  // Not active yet: the server refuses the password (40018).
  const early = await (
    await request.post("/api/v4/session/token", { data: { email, password } })
  ).json();
  expect(early.code).toBe(40018);

  const link = linkIn(await mail.waitFor(email), "/session/activate");
  await page.goto(link.pathname + link.search);
  await expect(page.getByRole("status")).toContainText(`The account ${email} is active`);
  await snap(page, info, "activated");
  await page.getByRole("link", { name: "Back to sign in" }).click();
  await fillSignIn(page, { email, password, admin: false } as never);
  await expect(page).toHaveURL(/\/home/);
  const api = await apiAs(request, { email, password, admin: false } as never);
  expect((await api<{ email: string; status: string }>("GET", "/user/me")).status).toBe("active");
});

test("a site without sign-up says so", async ({ page, request }) => {
  await setSiteSettings(request, { register_enabled: "0" });
  await page.goto("/session");
  await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: "Create an account" })).toHaveCount(0);
  await page.goto("/session/signup");
  await expect(page.getByText("This site does not take new accounts.")).toBeVisible();
  await setSiteSettings(request, { register_enabled: "1" });
});

test("a forgotten password is reset from the mailed link", async ({ page, request }, info) => {
  const account = await newAccount(request, "forgetful");
  await page.goto("/session");
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await expect(page.getByRole("heading", { name: "Forgotten password" })).toBeVisible();
  await page.getByLabel("E-mail").fill(account.email);
  await page.getByRole("button", { name: "Send the link" }).click();
  await expect(page.getByRole("status")).toContainText("a link to reset its password");
  await snap(page, info, "forgot-sent");
  await expectAccessible(page, "forgotten password");

  const link = linkIn(await mail.waitFor(account.email), "/session/reset");
  await page.goto(link.pathname + link.search);
  await page.getByRole("textbox", { name: "New password" }).fill("brand-new-pass-2");
  await page.getByRole("textbox", { name: "Repeat the password" }).fill("brand-new-pass-2");
  await snap(page, info, "reset-form");
  await page.getByRole("button", { name: "Save the new password" }).click();
  await expect(page.getByRole("status")).toHaveText(
    "Your password is changed. Sign in with the new one.",
  );

  const old = await (
    await request.post("/api/v4/session/token", {
      data: { email: account.email, password: account.password },
    })
  ).json();
  expect(old.code).toBe(40080);
  await page.getByRole("link", { name: "Back to sign in" }).click();
  await fillSignIn(page, { ...account, password: "brand-new-pass-2" } as never);
  await expect(page).toHaveURL(/\/home/);

  // The link works once.
  await page.goto(link.pathname + link.search);
  await page.getByRole("textbox", { name: "New password" }).fill("third-pass-3");
  await page.getByRole("textbox", { name: "Repeat the password" }).fill("third-pass-3");
  await page.getByRole("button", { name: "Save the new password" }).click();
  await expect(page.getByRole("alert")).toBeVisible();
});

test("an address typed while the next page loads is kept", async ({ page, request }) => {
  const account = await newAccount(request, "hasty");
  await page.goto("/session");
  // Typed on the sign-in page, then the link: the next page offers what was typed.
  await page.getByLabel("E-mail").fill(account.email);
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await expect(page.getByRole("heading", { name: "Forgotten password" })).toBeVisible();
  await expect(page.getByLabel("E-mail")).toHaveValue(account.email);
  // Keys pressed while the old page is still on screen land in its field: the link's page
  // must keep them too. Any code the next page fetches is held until the typing is done.
  await page.goto("/session");
  await expect(page.getByLabel("E-mail")).toBeEmpty();
  let release = () => {};
  const typed = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route("**/assets/*.js", async (route) => {
    await typed;
    await route.continue();
  });
  await page.getByRole("link", { name: "Create an account" }).click();
  await page.getByLabel("E-mail").fill(account.email);
  release();
  await expect(page.getByRole("heading", { name: "Create an account" })).toBeVisible();
  await expect(page.getByLabel("E-mail")).toHaveValue(account.email);
});

test("the signed-out pages carry the site's name", async ({ page, request }, info) => {
  await setSiteSettings(request, { siteName: "Nimbus Drive" });
  try {
    await page.goto("/session");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Nimbus Drive");
    await snap(page, info, "sign-in-renamed");
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await expect(page.getByRole("heading", { name: "Forgotten password" })).toBeVisible();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Nimbus Drive");
    await page.emulateMedia({ colorScheme: "dark" });
    await snap(page, info, "forgot-renamed-dark");
  } finally {
    await setSiteSettings(request, { siteName: "Stratus" });
  }
});

test("a passkey is added in settings, signs in, and is removed", async ({
  page,
  request,
}, info) => {
  const account = await newAccount(request, "passkey");
  const base = localhostBase();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });

  await page.goto(`${base}/session`);
  await fillSignIn(page, account);
  await expect(page).toHaveURL(/\/home/);
  await page.goto(`${base}/settings`);
  await page.getByRole("button", { name: "Add a passkey" }).click();
  await expect(page.getByText("Passkey added.")).toBeVisible();
  const passkeys = page.getByRole("table", { name: "Passkeys" });
  await expect(passkeys.getByRole("row")).toHaveCount(2);
  const api = await apiAs(request, account);
  type Settings = { passkeys?: { id: string; name: string; used_at?: string }[] };
  const added = (await api<Settings>("GET", "/user/setting")).passkeys ?? [];
  expect(added).toHaveLength(1);
  expect(added[0]?.used_at).toBeUndefined();

  await page.getByRole("button", { name: "Account", exact: true }).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/session/);
  await page.getByRole("button", { name: "Use a passkey" }).click();
  // Back where the user signed out.
  await expect(page).toHaveURL(`${base}/settings`);
  await snap(page, info, "passkey-signed-in");
  expect(
    await page.evaluate(
      () => JSON.parse(localStorage.getItem("stratus.session") ?? "{}").user.email,
    ),
  ).toBe(account.email);
  const used = (await api<Settings>("GET", "/user/setting")).passkeys ?? [];
  expect(used[0]?.used_at).toBeTruthy();

  await page.reload();
  await page.getByRole("button", { name: `Remove passkey ${used[0]?.name}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Remove" }).click();
  await expect(page.getByText("No passkeys yet.")).toBeVisible();
  expect((await api<Settings>("GET", "/user/setting")).passkeys ?? []).toHaveLength(0);
});

test("the account pages in Chinese, dark, on a phone", async ({ page }, info) => {
  await page.setViewportSize({ width: 375, height: 740 });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.addInitScript(() => localStorage.setItem("stratus.language", "zh-CN"));
  await page.goto("/session");
  await expect(page.getByRole("button", { name: "使用通行密钥" })).toBeVisible();
  await snap(page, info, "phone-sign-in-passkey-zh-dark");
  await page.getByRole("link", { name: "创建账号" }).click();
  await expect(page.getByRole("button", { name: "创建账号" })).toBeVisible();
  await snap(page, info, "phone-sign-up-zh-dark");
  await page.goto("/session/forget");
  await expect(page.getByRole("button", { name: "发送链接" })).toBeVisible();
  await snap(page, info, "phone-forgot-zh-dark");
  const text = (await page.locator("body").textContent()) ?? "";
  expect(text).not.toMatch(/\b(account|signIn|settings|share)\.[a-zA-Z]/);
  await page.goto("/session/reset");
  await expect(page.getByRole("alert")).toContainText("此链接不完整");
});
