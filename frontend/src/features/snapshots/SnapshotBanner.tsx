// Over the explorer inside a snapshot: which snapshot of which folder, when, and that it is read
// only; restore it, or go back to the folder as it is now.
import { Alert, Button, Group, Text } from "@mantine/core";
import { IconArrowBackUp, IconCamera, IconRestore } from "@tabler/icons-react";
import { useNavigate } from "@tanstack/react-router";
import { useTranslation } from "react-i18next";
import { useSnapshot } from "../../api/snapshots";
import { readablePath } from "../../api/tasks/tasks";
import { formatDate } from "../../lib/format";
import { openSnapshotDialog } from "./store";

export function SnapshotBanner({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const snapshot = useSnapshot(id);
  const s = snapshot.data;
  if (!s) return null;
  return (
    <Alert
      data-testid="snapshot-banner"
      color="blue"
      variant="light"
      role="status"
      aria-label={t("snapshot.banner.label")}
      p="xs"
    >
      <Group justify="space-between" gap="xs" wrap="wrap">
        <Group gap="xs" wrap="nowrap" miw={0}>
          <IconCamera size={18} style={{ flexShrink: 0 }} aria-hidden />
          <Text size="sm">
            {t("snapshot.banner.text", {
              name: s.name,
              folder: readablePath(s.uri),
              time: formatDate(s.created_at, i18n.language),
            })}
          </Text>
        </Group>
        <Group gap="xs">
          <Button
            size="xs"
            variant="default"
            leftSection={<IconRestore size={14} />}
            onClick={() => openSnapshotDialog({ kind: "restore", snapshot: s })}
          >
            {t("snapshot.banner.restore")}
          </Button>
          <Button
            size="xs"
            variant="default"
            leftSection={<IconArrowBackUp size={14} />}
            onClick={() => navigate({ to: "/home", search: { path: s.uri } })}
          >
            {t("snapshot.banner.back")}
          </Button>
        </Group>
      </Group>
    </Alert>
  );
}
