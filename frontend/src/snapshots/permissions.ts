// Whether the signed-in user's group may take snapshots (group permission bit 20).
import { decodeBoolset } from "../admin/boolset";
import type { User } from "../api/client";

export const SNAPSHOT_BIT = 20;

export function canSnapshot(user: User | null | undefined): boolean {
  return decodeBoolset(user?.group?.permission).has(SNAPSHOT_BIT);
}
