// Who put a trashed item in the trash (the server's `sys:deleted_by`), when it was not me: an
// owner sees who deleted in a folder shared with others for editing.
import { useTranslation } from "react-i18next";
import type { FileInfo } from "../../../api/client";
import { useSession } from "../../../api/session";
import { usePublicUser } from "../../../api/sharing/permissions";

export const DELETED_BY = "sys:deleted_by";

export function DeletedBy({ file }: { file: FileInfo }) {
  const { t } = useTranslation();
  const me = useSession()?.user.id;
  const by = file.metadata?.[DELETED_BY];
  const other = by && by !== me ? by : undefined;
  const name = usePublicUser(other).data?.nickname;
  if (!other || !name) return null;
  return <span data-testid="deleted-by"> · {t("explorer.trash.deletedBy", { name })}</span>;
}
