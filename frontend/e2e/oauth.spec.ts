// The OAuth code flow in a real browser (spec §2.5–§2.11): an app registered by the
// administrator sends a signed-out user to /session/authorize with PKCE (S256) and a nonce; the
// user signs in, sees the consent screen and allows; the app's loopback listener receives the
// code and state, exchanges the code (form POST), refreshes, reads userinfo and verifies the
// id_token against the JWKS with jose. A second visit consents without asking; revoking the
// app in Settings makes the next refresh fail. Deny sends `access_denied` back. The admin
// console's OAuth apps page creates an app and shows its secret once.
import { expect, type Page, test } from "@playwright/test";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { openAdmin, unique } from "./admin-helpers";
import { fillSignIn, snap } from "./helpers";
import {
  authorizeUrl,
  claims,
  exchangeCode,
  type Listener,
  loopbackListener,
  pkce,
  randomText,
  registerApp,
} from "./oauth-helpers";
import { newAccount } from "./site";

const SCOPES = ["openid", "profile", "email", "offline_access", "Files.Read"];

type Envelope<T> = { code: number; data?: T; msg: string };

let listener: Listener;
test.beforeEach(async () => {
  listener = await loopbackListener();
});
test.afterEach(async () => {
  await listener.close();
});

/** The browser has arrived at the app's listener (so the next navigation does not cut it off). */
async function atApp(page: Page) {
  await page.waitForURL((url) => url.href.startsWith(listener.redirectUri));
  await expect(page.getByText("The app received the answer.")).toBeVisible();
}

async function consentScreen(page: Page, appName: string) {
  await expect(
    page.getByRole("heading", { name: `${appName} wants to access your account` }),
  ).toBeVisible({ timeout: 30_000 });
}

test("code flow with PKCE: consent, exchange, refresh, userinfo, id_token, revoke", async ({
  page,
  request,
}, info) => {
  const app = await registerApp(request, unique("Photo backup"), listener.redirectUri, SCOPES);
  const user = await newAccount(request, "oauthflow");
  const first = { ...pkce(), state: randomText(), nonce: randomText() };

  // Signed out: the authorization page sends the user through the usual sign-in and back.
  await page.goto(authorizeUrl(app, listener.redirectUri, SCOPES, first));
  await expect(page).toHaveURL(/\/session\?redirect=/, { timeout: 30_000 });
  await fillSignIn(page, user);
  await consentScreen(page, app.name);
  await expect(page.getByText("See and download your files")).toBeVisible();
  await expect(page.getByText(user.email)).toBeVisible();
  await snap(page, info, "consent-light");
  await page.emulateMedia({ colorScheme: "dark" });
  await snap(page, info, "consent-dark");
  await page.setViewportSize({ width: 390, height: 844 });
  await snap(page, info, "consent-phone-dark");
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize({ width: 1280, height: 800 });

  const answered = listener.next();
  await page.getByRole("button", { name: "Allow" }).click();
  const answer = await answered;
  await atApp(page);
  expect(answer.get("state")).toBe(first.state);
  const code = answer.get("code") ?? "";
  expect(code).not.toBe("");

  // The app's side: exchange, refresh, userinfo, id_token against the JWKS.
  const tokens = await exchangeCode(request, app, code, first.verifier);
  expect(tokens.token_type).toBe("Bearer");
  expect(tokens.scope.split(" ").sort()).toEqual([...SCOPES].sort());
  expect(claims(tokens.access_token)).toMatchObject({ client_id: app.guid });
  expect((claims(tokens.access_token).scopes as string[]).sort()).toEqual([...SCOPES].sort());
  expect(tokens.refresh_token).toBeTruthy();

  const refreshed = (await (
    await request.post("/api/v4/session/token/refresh", {
      data: { refresh_token: tokens.refresh_token },
    })
  ).json()) as Envelope<{ access_token: string; refresh_token: string }>;
  expect(refreshed.code, refreshed.msg).toBe(0);
  const latest = refreshed.data ?? { access_token: "", refresh_token: "" };

  const userinfo = (await (
    await request.get("/api/v4/session/oauth/userinfo", {
      headers: { Authorization: `Bearer ${latest.access_token}` },
    })
  ).json()) as { sub?: string; email?: string; name?: string };
  expect(userinfo.email).toBe(user.email);
  expect(userinfo.name).toBe("oauthflow");
  expect(userinfo.sub).toBeTruthy();

  expect(tokens.id_token).toBeTruthy();
  const discovery = (await (await request.get("/.well-known/openid-configuration")).json()) as {
    issuer: string;
    jwks_uri: string;
  };
  const jwksUrl = new URL(discovery.jwks_uri);
  // The document names the site's public address; the test reaches the same server directly.
  const jwks = createRemoteJWKSet(
    new URL(`${jwksUrl.pathname}${jwksUrl.search}`, process.env.STRATUS_E2E_BASE),
  );
  const { payload } = await jwtVerify(tokens.id_token ?? "", jwks, {
    issuer: discovery.issuer,
    audience: app.guid,
  });
  expect(payload.sub).toBe(userinfo.sub);
  expect(payload.nonce).toBe(first.nonce);

  // A second visit with the same scopes consents at once: no click, the code arrives.
  const second = { ...pkce(), state: randomText(), nonce: randomText() };
  const again = listener.next();
  await page.goto(authorizeUrl(app, listener.redirectUri, SCOPES, second));
  const secondAnswer = await again;
  await atApp(page);
  expect(secondAnswer.get("state")).toBe(second.state);
  await exchangeCode(request, app, secondAnswer.get("code") ?? "", second.verifier);

  // Revoking in Settings ends the grant: the app's next refresh is refused.
  await page.goto("/settings");
  const section = page.getByRole("region", { name: "Connected apps" });
  await expect(section.getByText(app.name)).toBeVisible();
  await section.scrollIntoViewIfNeeded();
  await snap(page, info, "settings-connected-apps");
  await section.getByRole("button", { name: `Revoke access of ${app.name}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke" }).click();
  await expect(section.getByText("No app is connected to your account.")).toBeVisible();
  await snap(page, info, "settings-revoked");

  const refused = (await (
    await request.post("/api/v4/session/token/refresh", {
      data: { refresh_token: latest.refresh_token },
    })
  ).json()) as Envelope<unknown>;
  expect(refused.code).not.toBe(0);
});

test("deny sends access_denied and the state back to the app", async ({ page, request }) => {
  const app = await registerApp(request, unique("Denied app"), listener.redirectUri, SCOPES);
  const user = await newAccount(request, "oauthdeny");
  const values = { ...pkce(), state: randomText(), nonce: randomText() };
  await page.goto(authorizeUrl(app, listener.redirectUri, SCOPES, values));
  await fillSignIn(page, user);
  await consentScreen(page, app.name);
  const answered = listener.next();
  await page.getByRole("button", { name: "Deny" }).click();
  const answer = await answered;
  expect(answer.get("error")).toBe("access_denied");
  expect(answer.get("state")).toBe(values.state);
  expect(answer.get("code")).toBeNull();
});

test("an unknown app or a redirect URI it did not register is an error page", async ({
  page,
  request,
}, info) => {
  const app = await registerApp(request, unique("Strict app"), listener.redirectUri, SCOPES);
  const values = { ...pkce(), state: randomText(), nonce: randomText() };
  await page.goto(
    authorizeUrl(
      { ...app, guid: "00000000-0000-4000-8000-000000000000" },
      listener.redirectUri,
      SCOPES,
      values,
    ),
  );
  await expect(page.getByRole("alert")).toContainText("No app with this id exists here");
  await snap(page, info, "unknown-app");

  // A signed-in user allowing a request whose redirect URI is not the app's stays here.
  const user = await newAccount(request, "oauthbad");
  await page.goto(authorizeUrl(app, "https://evil.example.com/steal", SCOPES, values));
  await fillSignIn(page, user);
  const allow = page.getByRole("button", { name: "Allow" });
  const problem = page.getByRole("alert");
  await expect(allow.or(problem)).toBeVisible({ timeout: 30_000 });
  if (await allow.isVisible()) await allow.click();
  await expect(problem).toBeVisible();
  await expect(page).toHaveURL(/\/session\/authorize/);
  await snap(page, info, "bad-redirect");
});

test("admin console: an app created with its secret shown once; system apps kept", async ({
  page,
}, info) => {
  await openAdmin(page, "oauthApps");
  const desktop = page.getByRole("row", { name: /Cloudreve desktop client/ });
  await expect(desktop.getByText("System")).toBeVisible();
  await expect(
    desktop.getByRole("button", { name: "Delete Cloudreve desktop client" }),
  ).toBeDisabled();

  const name = unique("Console app");
  await page.getByRole("button", { name: "New app" }).click();
  const dialog = page.getByRole("dialog", { name: "New OAuth app" });
  await dialog.getByRole("textbox", { name: "Name" }).fill(name);
  await dialog.getByRole("textbox", { name: "Redirect URIs" }).fill("https://app.example.com/cb");
  await dialog.getByRole("checkbox", { name: /^Files\.Read/ }).check();
  await snap(page, info, "admin-new-app");
  await dialog.getByRole("button", { name: "Save" }).click();

  const secretDialog = page.getByRole("dialog", { name: `Secret of ${name}` });
  const secretLabel = secretDialog.getByText("Client secret", { exact: true });
  const secret = await secretLabel.locator("xpath=following-sibling::div//code").textContent();
  expect(secret).toMatch(/^[A-Za-z0-9]{32}$/);
  await expect(secretDialog.getByText("/api/v4/session/oauth/token")).toBeVisible();
  await snap(page, info, "admin-secret-once");
  await secretDialog.getByRole("button", { name: "I have copied it" }).click();

  const row = page.getByRole("row", { name: new RegExp(name) });
  await expect(row).toBeVisible();
  await snap(page, info, "admin-oauth-apps");
  await page.emulateMedia({ colorScheme: "dark" });
  await page.setViewportSize({ width: 390, height: 844 });
  await snap(page, info, "admin-oauth-apps-phone-dark");
});

test("the desktop and iOS callbacks hand the code to the app through cloudreve://mount", async ({
  page,
  request,
}, info) => {
  const user = await newAccount(request, "oauthmount");
  await page.goto("/callback/desktop?code=code-1&state=state-1");
  await fillSignIn(page, user);
  const setup = page.getByRole("dialog", { name: "Set up the desktop client" });
  await expect(setup).toBeVisible({ timeout: 30_000 });
  await setup.getByRole("textbox", { name: "Drive name" }).fill("Work drive");
  await snap(page, info, "desktop-mount-setup");
  await setup.getByRole("button", { name: "Connect" }).click();
  const openApp = page.getByRole("link", { name: "Open the app" });
  await expect(openApp).toHaveAttribute(
    "href",
    /^cloudreve:\/\/mount\?state=state-1&code=code-1&user_id=[^&]+&path=cloudreve%3A%2F%2Fmy&name=Work%20drive$/,
  );

  // Re-authorizing a drive the client has, and the iOS app: no setup, straight to the app.
  await page.goto("/callback/desktop?code=code-2&state=reauthorize%3Aabc");
  await expect(page.getByRole("link", { name: "Open the app" })).toHaveAttribute(
    "href",
    /^cloudreve:\/\/mount\?state=reauthorize%3Aabc&code=code-2&user_id=[^&]+$/,
  );
  await page.goto("/callback/ios?code=code-3&state=state-3");
  await expect(page.getByRole("link", { name: "Open the app" })).toHaveAttribute(
    "href",
    /^cloudreve:\/\/mount\?state=state-3&code=code-3&user_id=[^&]+$/,
  );
  await page.goto("/callback/ios?error=access_denied&state=state-4");
  await expect(page.getByRole("alert")).toContainText("You refused access");
});
