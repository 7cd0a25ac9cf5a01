// Starting an upload from the UI: the queue, and a notification when the files cannot fit.
import { notifications } from "@mantine/notifications";
import i18n from "../../i18n";
import { notifyError } from "../../lib/errors";
import { formatBytes } from "../../lib/format";
import { enqueueUploads, QuotaError } from "./manager";
import type { Picked } from "./pick";

export function startUpload({ picks, emptyDirs }: Picked, folder: string, policyId: string) {
  if (!picks.length && !emptyDirs.length) return;
  enqueueUploads(picks, folder, policyId, emptyDirs).catch((e: unknown) =>
    e instanceof QuotaError ? notifyQuota(e) : notifyError(e),
  );
}

/** The quota sentence, also shown on each file the quota stopped. */
export function quotaMessage(error: QuotaError): string {
  return i18n.t("transfer.quota", {
    needed: formatBytes(error.needed),
    free: formatBytes(error.free),
  });
}

export function notifyQuota(error: QuotaError) {
  notifications.show({
    color: "red",
    title: i18n.t("transfer.quotaTitle"),
    message: quotaMessage(error),
  });
}
