// A group like the default User group with some permission bits taken away, for the specs of
// what a user whose group lacks a right reads.
import type { APIRequestContext } from "@playwright/test";
import { ACCOUNTS } from "./accounts";
import { apiAs } from "./helpers";

/** Group permission bits: WebDAV (the sync apps go through it) and S3 keys. */
export const WEBDAV_BIT = 3;
export const S3_BIT = 21;

type Group = {
  max_storage: number;
  permissions: string;
  settings: unknown;
  storage_policy_id?: number;
};

/** A copy of the User group without `bits`; answers its id. */
export async function groupWithout(
  request: APIRequestContext,
  name: string,
  bits: number[],
): Promise<number> {
  const admin = await apiAs(request, ACCOUNTS.admin);
  const base = await admin<Group>("GET", "/admin/group/2");
  const bytes = [...Buffer.from(base.permissions || "", "base64")];
  for (const bit of bits) {
    if (bit >> 3 < bytes.length) bytes[bit >> 3] = (bytes[bit >> 3] ?? 0) & ~(1 << (bit & 7));
  }
  const group = await admin<{ id: number }>("PUT", "/admin/group", {
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
