// Starting an upload from the UI: the queue, and a notification when the files cannot fit. The
// queue (manager.ts, its senders) and the transfer panel are loaded with the first upload, or
// when an upload saved before a reload waits: a folder's first paint does without them.
import { notifications } from "@mantine/notifications";
import { useMemo, useSyncExternalStore } from "react";
import { invalidateCapacity } from "../../api/account/capacity";
import { listKey } from "../../api/files/listing";
import { queryClient } from "../../api/queryClient";
import i18n from "../../i18n";
import { notifyError } from "../../lib/errors";
import { formatBytes } from "../../lib/format";
import type { QuotaError } from "./manager";
import type { Picked } from "./pick";
import { loadSaved } from "./saved";

let queue: Promise<typeof import("./manager")> | undefined;

/** The upload queue, loaded once; a finished upload re-lists its folder and the quota. */
export function loadQueue() {
  queue ??= import("./manager").then((manager) => {
    manager.onUploadFinished((folder) => {
      queryClient.invalidateQueries({ queryKey: listKey(folder) });
      void invalidateCapacity();
    });
    return manager;
  });
  return queue;
}

let begun = false;
const listeners = new Set<() => void>();

export function startUpload({ picks, emptyDirs }: Picked, folder: string, policyId: string) {
  if (!picks.length && !emptyDirs.length) return;
  if (!begun) {
    begun = true;
    for (const listener of listeners) listener();
  }
  loadQueue()
    .then(({ enqueueUploads, QuotaError }) =>
      enqueueUploads(picks, folder, policyId, emptyDirs).catch((e: unknown) =>
        e instanceof QuotaError ? notifyQuota(e) : notifyError(e),
      ),
    )
    .catch(notifyError);
}

/** Whether the transfer panel has anything to show: an upload started, or one saved earlier. */
export function useUploadsWanted(userId: string | undefined): boolean {
  const started = useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => begun,
  );
  const saved = useMemo(() => !!userId && loadSaved().length > 0, [userId]);
  return started || saved;
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
