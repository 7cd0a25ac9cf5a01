// A confirmation that says what will happen before it happens; what the server refuses is
// shown inside it, in words, and the dialog stays open.
import { Alert, Button, Group, Modal, Stack } from "@mantine/core";
import { type ReactNode, useState } from "react";
import { useTranslation } from "react-i18next";
import { adminErrorMessage } from "./errors";

type Props = {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => Promise<void>;
  onClose: () => void;
};

export function ConfirmModal(props: Props) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return (
    <Modal opened onClose={props.onClose} title={props.title} centered size="lg">
      <Stack gap="sm">
        {props.children}
        {error !== null && (
          <Alert color="red" role="alert" title={t("admin.refused")}>
            {adminErrorMessage(error)}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose}>
            {t("common.cancel")}
          </Button>
          <Button
            color={props.danger ? "red" : undefined}
            loading={busy}
            data-autofocus
            onClick={async () => {
              setBusy(true);
              setError(null);
              try {
                await props.onConfirm();
                props.onClose();
              } catch (e) {
                setError(e);
                setBusy(false);
              }
            }}
          >
            {props.confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
