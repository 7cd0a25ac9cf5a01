// Whether the signed-in user's group may share with people (group permission bit 22).

import type { User } from "../../api/client";
import { decodeBoolset } from "../../lib/boolset";

export const SHARE_PEOPLE_BIT = 22;

export function canSharePeople(user: User | null | undefined): boolean {
  return decodeBoolset(user?.group?.permission).has(SHARE_PEOPLE_BIT);
}
