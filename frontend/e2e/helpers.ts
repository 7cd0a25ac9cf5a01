// What the specs share: signing in through the page, the API as a second witness, TOTP codes,
// and screenshots kept under the test output (test-results/) to be looked at.
import { createHmac } from "node:crypto";
import { type APIRequestContext, expect, type Page, type TestInfo } from "@playwright/test";
import type { ACCOUNTS } from "./accounts";

export type Account = (typeof ACCOUNTS)[keyof typeof ACCOUNTS];

export async function signInPage(page: Page, account: Account) {
  await page.goto("/");
  await expect(page).toHaveURL(/\/session/);
  await fillSignIn(page, account);
  // Argon2 in a debug build on a busy machine can take several seconds.
  await expect(page).toHaveURL(/\/home/, { timeout: 30_000 });
}

export async function fillSignIn(page: Page, account: Account) {
  await page.getByLabel("E-mail").fill(account.email);
  await page.getByRole("textbox", { name: "Password", exact: true }).fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** A screenshot in the test's output folder, after fonts and animations settled. */
export async function snap(page: Page, info: TestInfo, name: string) {
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({
    path: info.outputPath(`${name}.png`),
    animations: "disabled",
    fullPage: false,
  });
}

/** `name` in light and dark at desktop width, then the same at 390 px. */
export async function snapAll(page: Page, info: TestInfo, name: string) {
  await page.emulateMedia({ colorScheme: "light" });
  await snap(page, info, `${name}-light`);
  await page.emulateMedia({ colorScheme: "dark" });
  await snap(page, info, `${name}-dark`);
  await page.setViewportSize({ width: 390, height: 844 });
  await snap(page, info, `${name}-phone-dark`);
  await page.emulateMedia({ colorScheme: "light" });
  await snap(page, info, `${name}-phone-light`);
  await page.setViewportSize({ width: 1280, height: 720 });
}

type Envelope = { code: number; data?: unknown; msg: string };

/** The API, signed in as `account`: each call returns `data`, or fails on a non-zero code. */
export async function apiAs(request: APIRequestContext, account: Account) {
  const login = (await (
    await request.post("/api/v4/session/token", {
      data: { email: account.email, password: account.password },
    })
  ).json()) as Envelope;
  expect(login.code, login.msg).toBe(0);
  const token = (login.data as { token: { access_token: string } }).token.access_token;
  const headers = { Authorization: `Bearer ${token}` };
  return async <T>(
    method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
    path: string,
    options: { query?: Record<string, string>; body?: unknown } = {},
  ): Promise<T> => {
    const answer = await request.fetch(`/api/v4${path}`, {
      method,
      headers,
      params: options.query,
      data: options.body,
    });
    const envelope = (await answer.json()) as Envelope;
    expect(envelope.code, `${method} ${path}: ${envelope.msg}`).toBe(0);
    return envelope.data as T;
  };
}

export type Listed = { files: { name: string; type: number; size: number; path: string }[] };

/** RFC 6238 code (SHA-1, 6 digits, 30 s) for a base32 secret. */
export function totp(secret: string, at = Date.now()): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of secret.replace(/=+$/, "").toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  }
  const key = Buffer.from(bits.match(/.{8}/g)?.map((b) => Number.parseInt(b, 2)) ?? []);
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0xf;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return code.toString().padStart(6, "0");
}
