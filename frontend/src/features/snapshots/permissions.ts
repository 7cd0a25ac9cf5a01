// Whether the signed-in user's group may take snapshots (group permission bit 20).

import type { User } from "../../api/client";
import { decodeBoolset } from "../../lib/boolset";

export const SNAPSHOT_BIT = 20;

export function canSnapshot(user: User | null | undefined): boolean {
  return decodeBoolset(user?.group?.permission).has(SNAPSHOT_BIT);
}
