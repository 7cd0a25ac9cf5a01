// What a visitor can do with a whole share: download all of it (its one file, or its folder as
// a zip through the share's archive download) and, signed in, save it to their drive.
import { Button } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconDeviceFloppy, IconDownload } from "@tabler/icons-react";
import { useNavigate } from "@tanstack/react-router";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { listShareFolder, saveShareToDrive } from "../../api/sharing/shareVisit";
import { downloadFiles } from "../../lib/downloads";
import { notifyError } from "../../lib/errors";
import { childUri, formatUri, MY_ROOT, SHARED_WITH_ME_ROOT } from "../../lib/uri";

/** `FileInfo.type` of a folder. */
const FOLDER = 1;

type ShareRef = { id: string; password?: string; name: string };

const rootOf = (props: ShareRef) =>
  formatUri({ fs: "share", id: props.id, password: props.password, segments: [] });

/** The whole share: its one file, or its folder as a zip (built where the group may). */
export function DownloadAll(props: ShareRef) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const download = async () => {
    setBusy(true);
    try {
      const root = rootOf(props);
      const listed = await listShareFolder(root);
      const only = listed.files[0];
      // A single-file share lists its one file in the root; a folder share is the root itself.
      if (listed.single_file_view && only) await downloadFiles([only]);
      else await downloadFiles([{ path: root, type: FOLDER, name: props.name }]);
    } catch (e) {
      notifyError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button
      variant="default"
      leftSection={<IconDownload size={16} />}
      loading={busy}
      onClick={download}
    >
      {t("share.downloadAll")}
    </Button>
  );
}

export function SaveToDrive(props: ShareRef & { owner: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const save = async () => {
    setBusy(true);
    try {
      await saveShareToDrive(childUri(MY_ROOT, props.name), rootOf(props), props.owner);
      setSaved(true);
      notifications.show({ color: "green", message: t("share.savedBody", { name: props.name }) });
    } catch (e) {
      notifyError(e);
    } finally {
      setBusy(false);
    }
  };
  return saved ? (
    <Button
      variant="light"
      onClick={() => navigate({ to: "/home", search: { path: SHARED_WITH_ME_ROOT } })}
    >
      {t("share.openSaved")}
    </Button>
  ) : (
    <Button leftSection={<IconDeviceFloppy size={16} />} loading={busy} onClick={save}>
      {t("share.saveToDrive")}
    </Button>
  );
}
