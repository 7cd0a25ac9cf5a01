// Re-enabling an expired share in one click: it works for seven more days, with its other
// options kept; one used up by its download limit gets the same number of downloads again.
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { type Share, updateShare } from "../../api/sharing/shares";
import { notifyError } from "../../lib/errors";

const WEEK = 7 * 86_400;

export function useReenable(share: Share) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    try {
      const left = share.remain_downloads;
      const downloads = left == null ? 0 : left > 0 ? left : Math.max(1, share.downloaded ?? 1);
      await updateShare(share.id, {
        isPrivate: !!share.is_private,
        downloads,
        expire: WEEK,
        shareView: !!share.share_view,
        showReadme: !!share.show_readme,
        uploadOnly: !!share.upload_only,
        uploadLimit: share.upload_limit ?? 0,
      });
      notifications.show({
        color: "green",
        message: t("shareMore.reenabled", { name: share.name }),
      });
    } catch (e) {
      notifyError(e);
    } finally {
      setBusy(false);
    }
  };
  return { busy, run };
}
