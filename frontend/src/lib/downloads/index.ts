//! Signed URLs and downloads: one file (or one of its versions) through its signed URL;
//! several files, or a folder, as one zip: built by the server on the fly (an archive session:
//! `POST /file/url` with `archive`) when the caller's group may (permission bit 4), else built
//! in the browser from the single files (`browserZip.tsx`), as Cloudreve's own client does.

import { ApiError, type SiteConfig } from "../../api/client";
import { archiveUrl, fileUrl } from "../../api/files/fileUrls";
import { fetchBasicConfig } from "../../api/siteConfig";
import { decodeBoolset } from "../boolset";
import { notifyError } from "../errors";
import type { ZipItem } from "./browserZip";

// Building a zip here (and client-zip) is rare: its code loads only then, not with the explorer.
const zipInBrowser = async (items: ZipItem[], fileName: string) =>
  (await import("./browserZip")).zipInBrowser(items, fileName);

export { fileUrl };

const FOLDER = 1;

/** Code of a group that may not download zips. */
const NO_ARCHIVE = 40007;
/** Group permission: may download zips the server builds. */
const ARCHIVE_DOWNLOAD_BIT = 4;

/** Whether the caller's group may have the server build zips, as the site config says. */
async function mayZipOnServer(): Promise<boolean> {
  // The same query as the app shell's, so it is usually answered from the cache.
  const basic = await fetchBasicConfig();
  const user = (basic as SiteConfig).user;
  return decodeBoolset(user?.group?.permission).has(ARCHIVE_DOWNLOAD_BIT);
}

/** The zip's name: the one item's, else a neutral one. */
function zipName(items: ZipItem[]): string {
  const only = items.length === 1 ? items[0]?.name : undefined;
  return `${only || "download"}.zip`;
}

/** Starts the browser's download of `items`; errors are shown, not thrown. */
export async function downloadFiles(items: ZipItem[]) {
  const first = items[0];
  if (!first) return;
  try {
    if (items.length === 1 && first.type !== FOLDER) {
      window.location.assign(await fileUrl(first.path, { download: true }));
      return;
    }
    if (!(await mayZipOnServer())) {
      await zipInBrowser(items, zipName(items));
      return;
    }
    const url = await archiveUrl(items.map((i) => i.path));
    if (url) window.location.assign(url);
  } catch (e) {
    // The group changed since the site config was read: build the zip here after all.
    if (e instanceof ApiError && e.code === NO_ARCHIVE) await zipInBrowser(items, zipName(items));
    else notifyError(e);
  }
}

/** Starts the browser's download of one older version (`entity`) of the file at `uri`. */
export async function downloadVersion(uri: string, entity: string) {
  try {
    window.location.assign(await fileUrl(uri, { download: true, entity }));
  } catch (e) {
    notifyError(e);
  }
}
