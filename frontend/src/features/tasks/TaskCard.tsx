// One task of the tasks page: its type, source → destination, status, live progress, error,
// cancel (running downloads) and its log, shown on demand.
import { Badge, Button, Code, Collapse, Group, Paper, Progress, Stack, Text } from "@mantine/core";
import { IconArrowRight, IconChevronDown, IconChevronUp, IconX } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import {
  cancelDownload,
  ENDED,
  type ProgressMap,
  progressUnit,
  readablePath,
  STATUS_COLORS,
  type Task,
  taskEnds,
} from "../../api/tasks";
import { notifyError } from "../../lib/errors";
import { formatBytes, formatCount, formatDate } from "../../lib/format";
import { useTaskStream } from "./stream";

type Props = { task: Task; stream: boolean; onEnd: () => void };

export function TaskCard({ task: listed, stream, onEnd }: Props) {
  const { t, i18n } = useTranslation();
  const [showLog, setShowLog] = useState(false);
  const [canceling, setCanceling] = useState(false);
  const live = useTaskStream(listed.id, stream || showLog, onEnd);
  const task = live.status ?? listed;
  const ended = ENDED.has(task.status);
  const { src, dst } = taskEnds(task);
  const typeLabel = t(`tasks.types.${task.type}` as "tasks.types.create_archive", {
    defaultValue: task.type,
  });

  const cancel = async () => {
    setCanceling(true);
    try {
      await cancelDownload(task.id);
      onEnd();
    } catch (e) {
      notifyError(e);
    } finally {
      setCanceling(false);
    }
  };

  return (
    <Paper withBorder p="sm" data-testid="task" data-status={task.status}>
      <Stack gap={6}>
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
        {(src.length > 0 || dst) && (
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
        )}
        {!ended && <ProgressBars progress={live.progress} />}
        {task.error && (
          <Text size="sm" c="red" role="status">
            {task.error}
          </Text>
        )}
        <Group gap="xs">
          <Button
            size="compact-sm"
            variant="subtle"
            leftSection={showLog ? <IconChevronUp size={14} /> : <IconChevronDown size={14} />}
            aria-expanded={showLog}
            onClick={() => setShowLog((v) => !v)}
          >
            {t(showLog ? "tasks.hideLog" : "tasks.showLog")}
          </Button>
          {!ended && task.type === "remote_download" && (
            <Button
              size="compact-sm"
              variant="light"
              color="red"
              leftSection={<IconX size={14} />}
              loading={canceling}
              onClick={cancel}
            >
              {t("tasks.cancel")}
            </Button>
          )}
        </Group>
        <Collapse expanded={showLog}>
          <Code block fz="xs" mah={240} style={{ overflow: "auto" }} data-testid="task-log">
            {live.log.length ? live.log.join("\n") : t("tasks.noLog")}
          </Code>
        </Collapse>
      </Stack>
    </Paper>
  );
}

/** One bar per progress entry the task reports, in bytes or as a count (PROGRESS_UNITS). */
function ProgressBars({ progress }: { progress?: ProgressMap }) {
  const { t, i18n } = useTranslation();
  const entries = Object.entries(progress ?? {}).filter(([, p]) => p.total > 0);
  if (entries.length === 0)
    return <Progress value={100} animated striped size="sm" aria-label={t("tasks.working")} />;
  return (
    <Stack gap={4}>
      {entries.map(([key, p]) => {
        const percent = Math.min(100, (p.current / p.total) * 100);
        const label = t(`tasks.progress.${key}` as "tasks.progress.archive_size", {
          defaultValue: key,
        });
        return (
          <div key={key}>
            <Group justify="space-between" gap="xs">
              <Text size="xs" c="dimmed">
                {label}
              </Text>
              <Text size="xs" c="dimmed">
                {progressUnit(key) === "bytes"
                  ? `${formatBytes(p.current)} / ${formatBytes(p.total)}`
                  : t("tasks.progressCount", {
                      current: formatCount(p.current, i18n.language),
                      total: formatCount(p.total, i18n.language),
                    })}
              </Text>
            </Group>
            <Progress value={percent} size="sm" aria-label={label} />
          </div>
        );
      })}
    </Stack>
  );
}
