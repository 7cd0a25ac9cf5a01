// Restore a snapshot: replace the folder with it (saying what will change, and that the current
// state is snapshotted first so the restore can be undone), or copy it into a chosen folder. The
// server restores as a task, followed on the tasks page.
import "./styles";
import { Alert, Button, Group, List, Modal, Radio, Stack, Text } from "@mantine/core";
import { IconAlertTriangle } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { restoreSnapshot } from "../../api/snapshots";
import { readablePath } from "../../api/tasks/tasks";
import { FolderPicker } from "../../components/FolderPicker";
import { notifyQueued } from "../../components/notifyQueued";
import { errorMessage } from "../../lib/errors";
import { formatDate } from "../../lib/format";
import { MY_ROOT } from "../../lib/uri";
import type { Snapshot } from "./store";

type Props = { snapshot: Snapshot; onClose: () => void };

export default function RestoreDialog({ snapshot, onClose }: Props) {
  const { t, i18n } = useTranslation();
  const [mode, setMode] = useState<"replace" | "copy">("replace");
  const [dst, setDst] = useState(MY_ROOT);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const folder = readablePath(snapshot.uri);

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await restoreSnapshot(snapshot.id, mode, mode === "copy" ? dst : undefined);
      notifyQueued(t("snapshot.restore.queued", { name: snapshot.name }));
      onClose();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      opened
      onClose={onClose}
      centered
      size="lg"
      title={t("snapshot.restore.title", { name: snapshot.name })}
    >
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t("snapshot.restore.of", {
            folder,
            time: formatDate(snapshot.created_at, i18n.language),
          })}
        </Text>
        <Radio.Group value={mode} onChange={(v) => setMode(v as "replace" | "copy")}>
          <Stack gap="xs">
            <Radio value="replace" label={t("snapshot.restore.replace")} />
            <Radio value="copy" label={t("snapshot.restore.copy")} />
          </Stack>
        </Radio.Group>
        {mode === "replace" ? (
          <ReplaceWarning folder={folder} />
        ) : (
          <>
            <Text size="sm">{t("snapshot.restore.copyInto")}</Text>
            <FolderPicker value={dst} onChange={setDst} excluded={new Set()} />
          </>
        )}
        <RestoreFooter
          mode={mode}
          dst={dst}
          error={error}
          busy={busy}
          onSubmit={submit}
          onClose={onClose}
        />
      </Stack>
    </Modal>
  );
}

/** What replacing the folder changes, and that it can be undone. */
function ReplaceWarning({ folder }: { folder: string }) {
  const { t } = useTranslation();
  return (
    <Alert
      color="gray"
      icon={<IconAlertTriangle size={18} />}
      title={t("snapshot.restore.changesTitle", { folder })}
    >
      <List size="sm" spacing={4}>
        <List.Item>{t("snapshot.restore.added")}</List.Item>
        <List.Item>{t("snapshot.restore.changed")}</List.Item>
        <List.Item>{t("snapshot.restore.deleted")}</List.Item>
      </List>
      <Text size="sm" mt="xs">
        {t("snapshot.restore.undo")}
      </Text>
    </Alert>
  );
}

function RestoreFooter({
  mode,
  dst,
  error,
  busy,
  onSubmit,
  onClose,
}: {
  mode: "replace" | "copy";
  dst: string;
  error: string | null;
  busy: boolean;
  onSubmit: () => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  return (
    <>
      {error && (
        <Text c="red" size="sm" role="alert">
          {error}
        </Text>
      )}
      <Group justify="space-between" wrap="nowrap">
        <Text size="xs" c="dimmed" truncate>
          {mode === "copy" ? readablePath(dst) : ""}
        </Text>
        <Group gap="xs" wrap="nowrap">
          <Button variant="default" onClick={onClose}>
            {t("common.cancel")}
          </Button>
          <Button loading={busy} color={mode === "replace" ? "red" : undefined} onClick={onSubmit}>
            {t(
              mode === "replace" ? "snapshot.restore.submitReplace" : "snapshot.restore.submitCopy",
            )}
          </Button>
        </Group>
      </Group>
    </>
  );
}
