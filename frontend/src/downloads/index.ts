//! Signed URLs and downloads: one file (or one of its versions) through its signed URL;
//! several files, or a folder, as one zip the server builds on the fly (an archive session:
//! `POST /file/url` with `archive`).
import { notifications } from "@mantine/notifications";
import { ApiError, api, unwrap } from "../api/client";
import i18n from "../i18n";
import { notifyError } from "../lib/errors";

const FOLDER = 1;

/** Code of a group that may not download zips. */
const NO_ARCHIVE = 40007;

type Item = { path: string; type: number };

/**
 * A signed URL to one file's bytes: to show in the page, or (`download`) to save under its
 * name; `entity` picks an older version.
 */
export async function fileUrl(
  uri: string,
  options: { download?: boolean; entity?: string } = {},
): Promise<string> {
  const { urls } = await unwrap(api.POST("/file/url", { body: { uris: [uri], ...options } }));
  const url = urls[0]?.url;
  if (!url) throw new Error("no URL");
  return url;
}

/** The URL that downloads `items`: the file itself, or a zip of them all. */
async function downloadUrl(items: Item[]): Promise<string | undefined> {
  const first = items[0];
  if (items.length === 1 && first && first.type !== FOLDER) {
    return fileUrl(first.path, { download: true });
  }
  const { urls } = await unwrap(
    api.POST("/file/url", { body: { uris: items.map((i) => i.path), archive: true } }),
  );
  return urls[0]?.url;
}

/** Sends the browser to the URL once it is known; errors are shown, not thrown. */
async function start(url: () => Promise<string | undefined>) {
  try {
    const known = await url();
    if (known) window.location.assign(known);
  } catch (e) {
    if (e instanceof ApiError && e.code === NO_ARCHIVE) {
      notifications.show({
        color: "red",
        title: i18n.t("transfer.zipTitle"),
        message: i18n.t("transfer.zipNotAllowed"),
      });
    } else {
      notifyError(e);
    }
  }
}

/** Starts the browser's download of `items`. */
export async function downloadFiles(items: Item[]) {
  if (items.length) await start(() => downloadUrl(items));
}

/** Starts the browser's download of one older version (`entity`) of the file at `uri`. */
export function downloadVersion(uri: string, entity: string) {
  return start(() => fileUrl(uri, { download: true, entity }));
}
