// What the dialogs that start a task share: the request's busy state and error, and the
// footer with the error, the destination and the buttons.
import { Button, Group, Text } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { readablePath } from "../../api/tasks/tasks";
import { errorMessage } from "../../lib/errors";

/** Runs `start` (which starts the task and closes the dialog); a failure is shown. */
export function useStartTask(start: () => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await start();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, submit };
}

export function TaskDialogFooter({
  dst,
  error,
  busy,
  disabled,
  submitLabel,
  onSubmit,
  onClose,
}: {
  dst: string;
  error: string | null;
  busy: boolean;
  disabled: boolean;
  submitLabel: string;
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
          {readablePath(dst)}
        </Text>
        <Group gap="xs" wrap="nowrap">
          <Button variant="default" onClick={onClose}>
            {t("common.cancel")}
          </Button>
          <Button loading={busy} disabled={disabled} onClick={onSubmit}>
            {submitLabel}
          </Button>
        </Group>
      </Group>
    </>
  );
}
