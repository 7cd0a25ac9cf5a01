// Who may open the admin console: members of a group with permission bit 0 (spec §4.4). Small
// on purpose: the router and the app's navigation import it, so it ships in the main bundle
// while the console itself stays in its own chunk.
import type { User } from "../../api/client";
import { decodeBoolset } from "../../lib/boolset";

/** Group permission bit 0: administrator. */
export const ADMIN_BIT = 0;

export function isAdmin(user: User | undefined | null): boolean {
  return decodeBoolset(user?.group?.permission).has(ADMIN_BIT);
}
