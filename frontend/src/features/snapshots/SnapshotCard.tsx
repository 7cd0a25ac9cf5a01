// One snapshot in the list: name, status, time, files, size and the bytes only it keeps, with
// browse, restore and delete.
import { Badge, Button, Card, Group, Stack, Text } from "@mantine/core";
import { IconEye, IconRestore, IconTrash } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { formatBytes, formatDate } from "../../lib/format";
import type { Snapshot } from "./store";

// Dot badges: the text keeps the page's contrast in both schemes, the colour is in the dot.
const STATUS_COLOR: Record<string, string> = {
  completed: "teal",
  in_progress: "blue",
  failed: "red",
};

/** Plural: `snapshot.stats_one` and `_other`, chosen by `count`. */
const STATS = "snapshot.stats";

type Props = {
  snapshot: Snapshot;
  onBrowse: () => void;
  onRestore: () => void;
  onDelete: () => void;
};

export function SnapshotCard({ snapshot, onBrowse, onRestore, onDelete }: Props) {
  const { t, i18n } = useTranslation();
  const done = snapshot.status === "completed";
  return (
    <Card withBorder padding="sm" data-testid="snapshot" aria-label={snapshot.name} component="li">
      <Stack gap={4}>
        <Group justify="space-between" wrap="nowrap" gap="xs">
          <Text fw={600} truncate>
            {snapshot.name}
          </Text>
          <Group gap={4} wrap="nowrap">
            {snapshot.schedule_id && (
              <Badge variant="dot" color="grape" size="sm">
                {t("snapshot.scheduled")}
              </Badge>
            )}
            <Badge variant="dot" color={STATUS_COLOR[snapshot.status] ?? "gray"} size="sm">
              {t(`snapshot.status.${snapshot.status}` as "snapshot.status.completed", {
                defaultValue: snapshot.status,
              })}
            </Badge>
          </Group>
        </Group>
        <Text size="xs" c="dimmed">
          {formatDate(snapshot.created_at, i18n.language)}
        </Text>
        {snapshot.description && <Text size="sm">{snapshot.description}</Text>}
        <Text size="sm" data-testid="snapshot-stats">
          {t(STATS, {
            count: snapshot.files,
            size: formatBytes(snapshot.size),
            exclusive: formatBytes(snapshot.exclusive_size),
          })}
        </Text>
        {snapshot.error && (
          <Text size="sm" c="red">
            {snapshot.error}
          </Text>
        )}
        <Group gap="xs" mt={4}>
          <Button
            size="xs"
            variant="light"
            leftSection={<IconEye size={14} />}
            disabled={!done}
            onClick={onBrowse}
          >
            {t("snapshot.browse")}
          </Button>
          <Button
            size="xs"
            variant="light"
            leftSection={<IconRestore size={14} />}
            disabled={!done}
            onClick={onRestore}
          >
            {t("snapshot.restore.action")}
          </Button>
          <Button
            size="xs"
            variant="subtle"
            color="red"
            leftSection={<IconTrash size={14} />}
            disabled={snapshot.status === "in_progress"}
            onClick={onDelete}
          >
            {t("snapshot.delete")}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
