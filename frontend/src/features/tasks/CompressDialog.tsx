// Compress: the chosen files and folders into one zip, named and placed in the dialog; the
// server makes it as a task (POST /workflow/archive), followed on the tasks page.
import { Button, Group, Modal, Stack, Text, TextInput } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { FileInfo } from "../../api/client";
import { compressFiles, invalidateTasks, readablePath } from "../../api/tasks/tasks";
import { FolderPicker } from "../../components/FolderPicker";
import { notifyQueued } from "../../components/notifyQueued";
import { errorMessage } from "../../lib/errors";
import { childUri } from "../../lib/uri";
import { defaultZipName } from "./names";

type Props = { files: FileInfo[]; folder: string; onClose: () => void };

export default function CompressDialog({ files, folder, onClose }: Props) {
  const { t } = useTranslation();
  const [name, setName] = useState(() => defaultZipName(files));
  const [dst, setDst] = useState(folder.split("?")[0] ?? folder);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const trimmed = name.trim();
  const invalid = !trimmed || /[/\\]/.test(trimmed);

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await compressFiles(
        files.map((f) => f.path),
        childUri(dst, trimmed),
      );
      await invalidateTasks();
      notifyQueued(t("tasks.compress.queued", { name: trimmed }));
      onClose();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened onClose={onClose} centered title={t("tasks.compress.title")}>
      <Stack gap="sm">
        <Text size="sm">
          {files.length === 1
            ? t("tasks.compress.one", { name: files[0]?.name })
            : t("tasks.compress.many", { count: files.length })}
        </Text>
        <TextInput
          label={t("tasks.compress.name")}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={trimmed && invalid ? t("tasks.compress.badName") : undefined}
          data-autofocus
        />
        <Text size="sm" fw={500}>
          {t("tasks.destination")}
        </Text>
        <FolderPicker value={dst} onChange={setDst} excluded={new Set()} />
        {error && (
          <Text c="red" size="sm" role="alert">
            {error}
          </Text>
        )}
        <Group justify="space-between" wrap="nowrap">
          <Text size="xs" c="dimmed" truncate>
            {readablePath(childUri(dst, trimmed || "…"))}
          </Text>
          <Group gap="xs" wrap="nowrap">
            <Button variant="default" onClick={onClose}>
              {t("common.cancel")}
            </Button>
            <Button loading={busy} disabled={invalid} onClick={submit}>
              {t("tasks.compress.submit")}
            </Button>
          </Group>
        </Group>
      </Stack>
    </Modal>
  );
}
