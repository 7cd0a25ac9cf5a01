// The explorer toolbar's "Remote download" button, for a group that may download remotely.
import { IconCloudDownload } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { useSession } from "../../api/session";
import { IconButton } from "../../components/IconButton";
import { canRemoteDownload } from "./permissions";
import { openTaskDialog } from "./taskDialogStore";

export function RemoteDownloadButton({ folder }: { folder: string }) {
  const { t } = useTranslation();
  const session = useSession();
  if (!canRemoteDownload(session?.user)) return null;
  return (
    <IconButton
      variant="default"
      size="lg"
      label={t("tasks.download.title")}
      onClick={() => openTaskDialog({ kind: "download", folder })}
    >
      <IconCloudDownload size={16} />
    </IconButton>
  );
}
