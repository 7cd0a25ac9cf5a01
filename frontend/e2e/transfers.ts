// What the upload and preview specs share: a folder of one's own to work in, files put there
// through the API, a file's bytes read back through the API, and files made in a temporary
// folder (removed by the caller).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type APIRequestContext, expect, type Page } from "@playwright/test";
import type { Account } from "./helpers";

type Envelope = { code: number; data?: unknown; msg: string };

async function token(request: APIRequestContext, account: Account): Promise<string> {
  const answer = (await (
    await request.post("/api/v4/session/token", {
      data: { email: account.email, password: account.password },
    })
  ).json()) as Envelope;
  expect(answer.code, answer.msg).toBe(0);
  return (answer.data as { token: { access_token: string } }).token.access_token;
}

export type Drive = Awaited<ReturnType<typeof driveOf>>;

/** The API as `account`, with what the transfer specs need of it. */
export async function driveOf(request: APIRequestContext, account: Account) {
  const headers = { Authorization: `Bearer ${await token(request, account)}` };
  const call = async <T>(
    method: string,
    path: string,
    options: { query?: Record<string, string>; body?: unknown; raw?: Buffer } = {},
  ): Promise<T> => {
    const answer = await request.fetch(`/api/v4${path}`, {
      method,
      headers: options.raw ? { ...headers, "Content-Type": "application/octet-stream" } : headers,
      params: options.query,
      data: options.raw ?? options.body,
    });
    const envelope = (await answer.json()) as Envelope;
    expect(envelope.code, `${method} ${path}: ${envelope.msg}`).toBe(0);
    return envelope.data as T;
  };
  const policy = async () =>
    (
      await call<{ storage_policy: { id: string } }>("GET", "/file", {
        query: { uri: "cloudreve://my" },
      })
    ).storage_policy.id;

  return {
    call,
    /** A new folder below the root, named after the test. */
    async folder(name: string): Promise<string> {
      const uri = `cloudreve://my/${encodeURIComponent(name)}`;
      await call("POST", "/file/create", { body: { uri, type: "folder" } });
      return uri;
    },
    async list(uri: string) {
      return (
        await call<{ files: { name: string; type: number; size: number; path: string }[] }>(
          "GET",
          "/file",
          { query: { uri, page_size: "500" } },
        )
      ).files;
    },
    async put(uri: string, body: Buffer) {
      const session = await call<{ session_id: string; chunk_size: number }>(
        "PUT",
        "/file/upload",
        { body: { uri, size: body.length, policy_id: await policy() } },
      );
      const size = session.chunk_size || body.length || 1;
      for (let i = 0; i * size < Math.max(body.length, 1); i++) {
        await call("POST", `/file/upload/${session.session_id}/${i}`, {
          raw: body.subarray(i * size, (i + 1) * size),
        });
      }
    },
    /** The bytes of `uri` (or of `range` of it). */
    async read(uri: string, range?: string): Promise<Buffer> {
      const { urls } = await call<{ urls: { url: string }[] }>("POST", "/file/url", {
        body: { uris: [uri] },
      });
      const answer = await request.get(urls[0]?.url ?? "", {
        headers: range ? { Range: `bytes=${range}` } : {},
      });
      expect(answer.status()).toBe(range ? 206 : 200);
      return answer.body();
    },
    async info(uri: string) {
      return call<{
        size: number;
        primary_entity: string;
        extended_info: { entities: { id: string; size: number }[] };
      }>("GET", "/file/info", { query: { uri, extended: "true" } });
    },
    async capacity() {
      return call<{ used: number; total: number }>("GET", "/user/capacity");
    },
  };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "stratus-e2e-files-"));
}

/** Opens the explorer on `uri`. */
export async function openFolder(page: Page, uri: string, label = "Folder path") {
  await page.goto(`/home?path=${encodeURIComponent(uri)}`);
  await expect(page.getByRole("navigation", { name: label })).toBeVisible();
}
