// Take a snapshot of a folder: a name (letters, digits, spaces, - and _) prefilled from the time, and a
// description. A large folder is taken by a task; the list then shows it as in progress.
import "./styles";
import { Button, Group, Modal, Stack, Text, Textarea, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { defaultName, takeSnapshot, validName } from "../../api/snapshots";
import { errorMessage } from "../../lib/errors";
import type { SnapshotFolder } from "./store";

type Props = { folder: SnapshotFolder; onClose: () => void };

export default function TakeDialog({ folder, onClose }: Props) {
  const { t } = useTranslation();
  const [name, setName] = useState(() => defaultName());
  const [description, setDescription] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const invalid = !validName(name);

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const taken = await takeSnapshot(folder.uri, name.trim(), description.trim());
      notifications.show({
        color: "teal",
        message: t(taken.status === "in_progress" ? "snapshot.take.queued" : "snapshot.take.done", {
          name: taken.name,
        }),
      });
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
      title={t("snapshot.take.title", { name: folder.name })}
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!invalid) void submit();
        }}
      >
        <Stack gap="sm">
          <Text size="sm" c="dimmed">
            {t("snapshot.take.explain")}
          </Text>
          <TextInput
            label={t("snapshot.name")}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={invalid ? t("snapshot.take.badName") : undefined}
            maxLength={64}
            data-autofocus
          />
          <Textarea
            label={t("snapshot.description")}
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
            maxLength={1024}
            autosize
            minRows={2}
          />
          {error && (
            <Text c="red" size="sm" role="alert">
              {error}
            </Text>
          )}
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={onClose}>
              {t("common.cancel")}
            </Button>
            <Button type="submit" loading={busy} disabled={invalid}>
              {t("snapshot.take.submit")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
