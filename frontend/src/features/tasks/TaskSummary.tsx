// The top of a task's card: its kind, status and start, and what it reads and writes.
import { Badge, Group, Text } from "@mantine/core";
import { IconArrowRight } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { readablePath, STATUS_COLORS, type Task } from "../../api/tasks/tasks";
import { formatDate } from "../../lib/format";

export function TaskHeading({ task }: { task: Task }) {
  const { t, i18n } = useTranslation();
  const typeLabel = t(`tasks.types.${task.type}` as "tasks.types.create_archive", {
    defaultValue: task.type,
  });
  return (
    <Group justify="space-between" wrap="nowrap" gap="xs">
      <Group gap="xs" wrap="wrap" miw={0}>
        <Text fw={600} size="sm">
          {typeLabel}
        </Text>
        <Badge color={STATUS_COLORS[task.status] ?? "gray"} variant="dot" size="sm">
          {t(`tasks.status.${task.status}` as "tasks.status.queued", {
            defaultValue: task.status,
          })}
        </Badge>
      </Group>
      <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
        {formatDate(task.created_at, i18n.language)}
      </Text>
    </Group>
  );
}

/** The task's sources (the first, and how many more) and its destination. */
export function TaskRoute({ src, dst }: { src: string[]; dst?: string }) {
  const { t } = useTranslation();
  if (src.length === 0 && !dst) return null;
  return (
    <Group gap={6} wrap="wrap" miw={0}>
      <Text size="sm" truncate maw="100%" title={src.map(readablePath).join(", ")}>
        {src.length > 1
          ? t("tasks.sources", { first: readablePath(src[0] ?? ""), count: src.length - 1 })
          : readablePath(src[0] ?? "")}
      </Text>
      {dst && (
        <>
          <IconArrowRight size={14} aria-label={t("tasks.to")} />
          <Text size="sm" truncate maw="100%" title={readablePath(dst)}>
            {readablePath(dst)}
          </Text>
        </>
      )}
    </Group>
  );
}
