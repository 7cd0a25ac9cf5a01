// A running task's progress: one bar per entry it reports, or a busy bar before it reports any.
import { Group, Progress, Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { type ProgressMap, progressUnit } from "../../api/tasks/tasks";
import { formatBytes, formatCount } from "../../lib/format";

export /** One bar per progress entry the task reports, in bytes or as a count (PROGRESS_UNITS). */
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
