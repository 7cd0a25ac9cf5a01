//! Downloads: one file through its signed URL; several files, or a folder, as one zip the
//! server builds on the fly (an archive session: `POST /file/url` with `archive`).
import { notifications } from "@mantine/notifications";
import { ApiError, api, unwrap } from "../api/client";
import i18n from "../i18n";
import { notifyError } from "../lib/errors";

const FOLDER = 1;

/** Code of a group that may not download zips. */
const NO_ARCHIVE = 40007;

type Item = { path: string; type: number };

/** The URL that downloads `items`: the file itself, or a zip of them all. */
export async function downloadUrl(items: Item[]): Promise<string | undefined> {
  const uris = items.map((i) => i.path);
  const single = items.length === 1 && items[0]?.type !== FOLDER;
  const { urls } = await unwrap(
    api.POST("/file/url", {
      body: single ? { uris, download: true } : { uris, archive: true },
    }),
  );
  return urls[0]?.url;
}

/** Starts the browser's download of `items`; errors are shown, not thrown. */
export async function downloadFiles(items: Item[]) {
  if (!items.length) return;
  try {
    const url = await downloadUrl(items);
    if (url) window.location.assign(url);
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
