// What the task specs share: whether the server has a route (from openapi.json, so the specs
// for routes still being added run once they are merged), a group allowed to run tasks, a
// file's bytes, the names inside a zip, and waiting for a task through the API.
import { readFileSync } from "node:fs";
import { type APIRequestContext, expect } from "@playwright/test";
import { ACCOUNTS } from "./accounts";
import type { Api } from "./explorer-helpers";
import { apiAs } from "./helpers";

type Spec = { paths: Record<string, Record<string, unknown>> };
const spec = JSON.parse(
  readFileSync(new URL("../../openapi.json", import.meta.url), "utf8"),
) as Spec;

/** True when the server's API has `method` on `path` (as openapi.json writes it). */
export function serverHas(path: string, method = "post"): boolean {
  return !!spec.paths[path]?.[method];
}

/** Group permission bits 5 (archive tasks) and 9 (remote download). */
const TASK_BITS = [5, 9];

/** A copy of the default user group that may also compress, extract and download. */
export async function taskGroup(request: APIRequestContext, name: string): Promise<number> {
  const admin = await apiAs(request, ACCOUNTS.admin);
  type Group = {
    id: number;
    max_storage: number;
    permissions: string;
    settings: unknown;
    storage_policy_id?: number;
  };
  const base = await admin<Group>("GET", "/admin/group/2");
  const bytes = [...Buffer.from(base.permissions || "", "base64")];
  for (const bit of TASK_BITS) {
    while (bytes.length <= bit >> 3) bytes.push(0);
    bytes[bit >> 3] = (bytes[bit >> 3] ?? 0) | (1 << (bit & 7));
  }
  const group = await admin<Group>("PUT", "/admin/group", {
    body: {
      group: {
        name: `${name} ${Date.now().toString(36)}`,
        max_storage: base.max_storage,
        speed_limit: 0,
        permissions: Buffer.from(bytes).toString("base64"),
        settings: base.settings,
        storage_policy_id: base.storage_policy_id,
      },
    },
  });
  return group.id;
}

/** The bytes of a file of the drive, through a download URL. */
export async function readBytes(request: APIRequestContext, api: Api, uri: string) {
  const { urls } = await api<{ urls: { url: string }[] }>("POST", "/file/url", {
    body: { uris: [uri] },
  });
  const answer = await request.get(urls[0]?.url ?? "");
  expect(answer.status()).toBe(200);
  return answer.body();
}

/**
 * The entry names of a zip, read from its central directory; fails unless the end record, the
 * directory and each entry's local header are where the zip says.
 */
export function zipEntries(zip: Buffer): string[] {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(eocd, "end of central directory").toBeGreaterThanOrEqual(0);
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(at), `central header ${i}`).toBe(0x02014b50);
    const nameLength = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30);
    const comment = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    expect(zip.readUInt32LE(local), `local header ${i}`).toBe(0x04034b50);
    names.push(zip.subarray(at + 46, at + 46 + nameLength).toString("utf8"));
    at += 46 + nameLength + extra + comment;
  }
  return names;
}

export type TaskRow = { id: string; status: string; type: string; error?: string };

/** Waits until the account's newest task of `category` has ended; returns it. */
export async function waitTaskEnded(api: Api, category = "general"): Promise<TaskRow> {
  let last: TaskRow | undefined;
  await expect
    .poll(
      async () => {
        const page = await api<{ tasks: TaskRow[] }>("GET", "/workflow", {
          query: { category },
        });
        last = page.tasks[0];
        return last?.status;
      },
      { timeout: 60_000 },
    )
    .toMatch(/completed|error|canceled/);
  return last as TaskRow;
}
