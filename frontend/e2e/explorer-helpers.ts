// What the explorer-*.spec.ts files share: a fresh account per test (made by the admin through
// the API, so no spec sees another's files), signing it in, and files made through the API.
import { randomBytes } from "node:crypto";
import { type APIRequestContext, expect, type Page } from "@playwright/test";
import { ACCOUNTS } from "./accounts";
import { apiAs } from "./helpers";

export type Fresh = { email: string; password: string };
export type Api = Awaited<ReturnType<typeof apiAs>>;

/** A new account in the default group (or `group`), with the API signed in as it. */
export async function freshUser(
  request: APIRequestContext,
  name: string,
  group?: number,
): Promise<{ account: Fresh; api: Api }> {
  const admin = await apiAs(request, ACCOUNTS.admin);
  const account = {
    email: `${name}-${randomBytes(4).toString("hex")}@example.com`,
    password: "explorer-password-1",
  };
  await admin("PUT", "/admin/user", {
    body: {
      user: { email: account.email, nick: name, ...(group ? { group_users: group } : {}) },
      password: account.password,
    },
  });
  return { account, api: await apiAs(request, account as never) };
}

export async function signIn(page: Page, account: Fresh, path?: string) {
  await page.goto(path ? `/home?path=${encodeURIComponent(path)}` : "/");
  await expect(page).toHaveURL(/\/session/);
  await page.getByLabel("E-mail").fill(account.email);
  await page.getByRole("textbox", { name: "Password", exact: true }).fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/home/);
}

export const my = (...segments: string[]) =>
  `cloudreve://my${segments.map((s) => `/${encodeURIComponent(s)}`).join("")}`;

export async function mkdir(api: Api, ...segments: string[]) {
  await api("POST", "/file/create", { body: { uri: my(...segments), type: "folder" } });
}

/** An empty file, or one with `content` (written as its first version). */
export async function mkfile(api: Api, segments: string[], content?: string) {
  await api("POST", "/file/create", { body: { uri: my(...segments), type: "file" } });
  if (content !== undefined) await writeFile(api, segments, content);
}

/** A new version of the file with this content. */
export async function writeFile(api: Api, segments: string[], content: string) {
  await api("PUT", "/file/content", { query: { uri: my(...segments) }, body: content });
}

export type Entry = { name: string; type: number; size: number; path: string };

/** The names in a folder, in the server's order (one page of up to 1,000). */
export async function names(api: Api, ...segments: string[]): Promise<string[]> {
  const list = await api<{ files: Entry[] }>("GET", "/file", {
    query: { uri: my(...segments), page_size: "1000" },
  });
  return list.files.map((f) => f.name);
}

/** The row of `name` in the list (its name button). */
export const row = (page: Page, name: string) => page.getByRole("button", { name, exact: true });
