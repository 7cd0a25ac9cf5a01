// A change refused because files are locked (40073, e.g. open in a WebDAV client): the dialog
// lists the locks and offers to force them open and try the change again.
import { List } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../../api/client";
import { forceUnlock } from "../../../api/files/files";
import { ConfirmDialog } from "../../../components/ConfirmDialog";
import { parseUri } from "../../../lib/uri";

export type LockInfo = { path?: string; token: string; owner?: string; type?: number };
export type LockConflict = { locks: LockInfo[]; retry: () => Promise<void> };

export const LOCK_CONFLICT = 40073;

/** The locks of a 40073 answer, or null for any other failure. */
export function lockConflict(error: unknown): LockInfo[] | null {
  if (!(error instanceof ApiError) || error.code !== LOCK_CONFLICT) return null;
  const data = Array.isArray(error.data) ? (error.data as LockInfo[]) : [];
  return data.filter((l) => typeof l?.token === "string");
}

export function LockDialog({ conflict, onClose }: { conflict: LockConflict; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <ConfirmDialog
      title={t("explorer.lock.title")}
      message={t("explorer.lock.body")}
      confirmLabel={t("explorer.lock.force")}
      color="orange"
      disabled={conflict.locks.length === 0}
      onConfirm={async () => {
        await forceUnlock(conflict.locks.map((l) => l.token));
        await conflict.retry();
      }}
      onClose={onClose}
    >
      <List size="sm" mt="sm" spacing={4}>
        {conflict.locks.map((lock) => (
          <List.Item key={lock.token}>
            {parseUri(lock.path ?? "")?.segments.join("/") || lock.path}
            {lock.owner ? ` (${lock.owner})` : ""}
          </List.Item>
        ))}
      </List>
    </ConfirmDialog>
  );
}
