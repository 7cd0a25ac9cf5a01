// What the signed-in user's group lets them start (group permission bits, spec §4.4).

import type { User } from "../../api/client";
import { decodeBoolset } from "../../lib/boolset";

/** Bit 5: compress and extract archives as tasks. */
export const ARCHIVE_TASK_BIT = 5;
/** Bit 9: remote downloads. */
export const REMOTE_DOWNLOAD_BIT = 9;

export function canRunArchiveTasks(user: User | null | undefined): boolean {
  return decodeBoolset(user?.group?.permission).has(ARCHIVE_TASK_BIT);
}

export function canRemoteDownload(user: User | null | undefined): boolean {
  return decodeBoolset(user?.group?.permission).has(REMOTE_DOWNLOAD_BIT);
}
