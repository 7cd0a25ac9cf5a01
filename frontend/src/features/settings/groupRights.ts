// What the signed-in user's group lets them connect (group permission bits, spec §4.4): WebDAV,
// which the Nextcloud and ownCloud sync apps also go through, and S3 keys. A page offering one
// says so before anything is filled in when the group lacks it.

import type { User } from "../../api/client";
import { decodeBoolset } from "../../lib/boolset";

export const WEBDAV_BIT = 3;
export const S3_BIT = 21;

export function canUseWebDav(user: User | null | undefined): boolean {
  return decodeBoolset(user?.group?.permission).has(WEBDAV_BIT);
}

export function canHaveS3Keys(user: User | null | undefined): boolean {
  return decodeBoolset(user?.group?.permission).has(S3_BIT);
}
