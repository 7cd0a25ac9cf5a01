// Sign-in with an OpenID Connect provider: a second `stratus` is the provider (its admin API
// registers this site as a client). The button on the sign-in page goes to the provider, the
// provider's user signs in there and allows, and the landing page finishes the sign-in; the
// account shows the link under Settings → Linked accounts. Then the admin console's directory
// and provider tabs. Screenshots in light, dark, zh-CN and at phone width.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type APIRequestContext, expect, test } from "@playwright/test";
import { ACCOUNTS } from "./accounts";
import { freePort, stratusBinary, waitHealthy } from "./global-setup";
import { fillSignIn, snap, snapAll } from "./helpers";
import { setSiteSettings } from "./site";

const IDP_ADMIN = { email: "root@idp.example", password: "idp-root-password-1", admin: true };
const DANA = { email: "dana@idp.example", password: "dana-password-1", admin: false };

let provider: ChildProcess;
let idpDir: string;
let idpBase: string;

/** The provider's API as its administrator: `data` of each call. */
async function idpAdmin(request: APIRequestContext) {
  const login = await (
    await request.post(`${idpBase}/api/v4/session/token`, { data: IDP_ADMIN })
  ).json();
  expect(login.code, login.msg).toBe(0);
  const headers = { Authorization: `Bearer ${login.data.token.access_token}` };
  return async (method: "PUT" | "PATCH", path: string, data: unknown) => {
    const answer = await (
      await request.fetch(`${idpBase}/api/v4${path}`, { method, headers, data })
    ).json();
    expect(answer.code, answer.msg).toBe(0);
    return answer.data;
  };
}

test.beforeAll(async ({ request }) => {
  const binary = stratusBinary();
  idpDir = mkdtempSync(join(tmpdir(), "stratus-idp-"));
  const env = {
    ...process.env,
    STRATUS_DATA_DIR: idpDir,
    RUST_LOG: "warn",
    STRATUS_S3_LISTEN: "127.0.0.1:0",
  };
  for (const a of [IDP_ADMIN, DANA]) {
    const command = a.admin ? "create-admin" : "create-user";
    execFileSync(binary, [command, "--email", a.email, "--password", a.password], {
      env,
      stdio: ["ignore", "ignore", "inherit"],
    });
  }
  const port = await freePort();
  idpBase = `http://127.0.0.1:${port}`;
  provider = spawn(binary, ["serve", "--listen", `127.0.0.1:${port}`], {
    env,
    stdio: ["ignore", "ignore", "inherit"],
  });
  await waitHealthy(idpBase, provider);

  const here = process.env.STRATUS_E2E_BASE ?? "";
  const idp = await idpAdmin(request);
  await idp("PATCH", "/admin/settings", { settings: { siteURL: idpBase } });
  const secret = "drive-secret-0123456789abcdef0123456789";
  const client = await idp("PUT", "/admin/oauthClient", {
    client: {
      name: "Drive",
      secret,
      redirect_uris: [`${here}/api/v4/session/oidc/idp/callback`],
      scopes: ["openid", "profile", "email"],
      is_enabled: true,
    },
  });
  const providers = [
    {
      id: "idp",
      name: "Home IdP",
      issuer: idpBase,
      client_id: client.guid,
      client_secret: secret,
      scopes: ["openid", "profile", "email"],
      allow_signup: true,
    },
  ];
  await setSiteSettings(request, {
    siteURL: here,
    oidc_providers: JSON.stringify(providers),
    oidc_allowed_cidrs: "127.0.0.0/8",
  });
});

test.afterAll(async ({ request }) => {
  await setSiteSettings(request, { oidc_providers: "[]", oidc_allowed_cidrs: "" });
  provider?.kill("SIGTERM");
  await new Promise((r) => (provider.exitCode !== null ? r(null) : provider.once("exit", r)));
  rmSync(idpDir, { recursive: true, force: true });
});

test("the provider's button signs in, and the account shows the link", async ({ page }, info) => {
  await page.goto("/session");
  const button = page.getByRole("link", { name: "Sign in with Home IdP" });
  await expect(button).toBeVisible();
  await snapAll(page, info, "sign-in-buttons");

  await button.click();
  // At the provider: its own sign-in first, then its consent page.
  await expect(page).toHaveURL(new RegExp(`^${idpBase}/session`));
  await fillSignIn(page, DANA as unknown as Parameters<typeof fillSignIn>[1]);
  await page.getByRole("button", { name: "Allow" }).click({ timeout: 30_000 });
  await expect(page).toHaveURL(/\/home/, { timeout: 30_000 });
  expect(page.url().startsWith(process.env.STRATUS_E2E_BASE ?? "")).toBe(true);

  await page.goto("/settings");
  const section = page.getByRole("region", { name: "Linked accounts" });
  await expect(section.getByText("Home IdP")).toBeVisible();
  await expect(section.getByRole("button", { name: "Unlink Home IdP" })).toBeVisible();
  await section.scrollIntoViewIfNeeded();
  await snapAll(page, info, "linked-accounts");
  // The only way into this account: unlinking is refused with the server's words.
  await section.getByRole("button", { name: "Unlink Home IdP" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Unlink" }).click();
  await expect(page.getByText(/only way to sign in/)).toBeVisible();
});

test("a refused sign-in lands on the page with its reason", async ({ page }, info) => {
  await page.goto("/session/oidc?error=This%20sign-in%20expired%20or%20was%20used%20already");
  await expect(page.getByRole("alert")).toContainText("expired or was used already");
  await snap(page, info, "landing-error");
});

test("the console's directory and provider tabs", async ({ page }, info) => {
  await page.goto("/session");
  await fillSignIn(page, ACCOUNTS.admin as unknown as Parameters<typeof fillSignIn>[1]);
  await expect(page).toHaveURL(/\/home/, { timeout: 30_000 });
  await page.goto("/admin/settings");
  await page.getByRole("tab", { name: "Sign-in providers" }).click();
  await expect(page.getByText(/\/api\/v4\/session\/oidc\/idp\/callback/)).toBeVisible();
  // The secret is never shown back.
  await expect(page.getByLabel("Client secret")).toHaveValue("");
  // The saved provider's discovery, read now: its endpoints.
  await page.getByRole("button", { name: "Test discovery" }).click();
  const found = page.getByRole("table", { name: "What the provider publishes" });
  await expect(found).toContainText("/.well-known/jwks.json");
  await found.scrollIntoViewIfNeeded();
  await snap(page, info, "admin-provider-discovery");
  await snapAll(page, info, "admin-providers");

  await page.getByRole("tab", { name: "Directory" }).click();
  await page.getByLabel("Login", { exact: true }).fill("alice");
  await page.getByRole("button", { name: "Test", exact: true }).click();
  await expect(page.getByRole("alert")).toContainText("Directory sign-in is off");
  await snapAll(page, info, "admin-directory");

  await page.addInitScript(() => localStorage.setItem("stratus.language", "zh-CN"));
  await page.goto("/admin/settings");
  await page.getByRole("tab", { name: "登录提供方" }).click();
  await snap(page, info, "admin-providers-zh-CN");
});

test("the sign-in buttons in zh-CN", async ({ page }, info) => {
  await page.addInitScript(() => localStorage.setItem("stratus.language", "zh-CN"));
  await page.goto("/session");
  await expect(page.getByRole("link", { name: "使用 Home IdP 登录" })).toBeVisible();
  await snap(page, info, "sign-in-buttons-zh-CN");
});
