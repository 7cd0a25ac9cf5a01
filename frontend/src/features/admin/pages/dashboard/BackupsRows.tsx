// The backups card's parts: the way to a first task when there is none, per task its last
// success and next run, the failed runs of the week, and the bytes held on each target.
import { Badge, Button, Group, Table, Text } from "@mantine/core";
import { useNavigate } from "@tanstack/react-router";
import { useTranslation } from "react-i18next";
import { formatBytes } from "../../../../lib/format";
import { useTargetUsage } from "../backups/backupApi";
import type { BackupsSummary } from "./useBackupsSummary";

type When = (iso?: string | null) => string;

export function NoBackupTasks() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <Group gap="sm">
      <Text size="sm" c="dimmed">
        {t("admin.dashboard.backups.none")}
      </Text>
      <Button
        size="xs"
        variant="light"
        onClick={() =>
          void navigate({ to: "/admin/$", params: { _splat: "backupTasks" } } as never)
        }
      >
        {t("admin.dashboard.backups.add")}
      </Button>
    </Group>
  );
}

export function TaskRuns({ summary, when }: { summary: BackupsSummary; when: When }) {
  const { t } = useTranslation();
  return (
    <Table.ScrollContainer minWidth={300}>
      <Table fz="sm" verticalSpacing={4} aria-label={t("admin.dashboard.backups.title")}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("admin.backup.tasks.name")}</Table.Th>
            <Table.Th>{t("admin.dashboard.backups.lastSuccess")}</Table.Th>
            <Table.Th>{t("admin.backup.tasks.nextRun")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {summary.tasks.map((task) => (
            <Table.Tr key={task.id}>
              <Table.Td>{task.name}</Table.Td>
              <Table.Td>{when(summary.lastSuccess.get(task.id))}</Table.Td>
              <Table.Td>
                {task.enabled && task.schedule
                  ? when(task.next_run_at)
                  : t("admin.backup.tasks.manualOnly")}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

export function FailedRuns({ failed, when }: { failed: BackupsSummary["failed"]; when: When }) {
  const { t } = useTranslation();
  return (
    <>
      <Text size="sm">
        {t("admin.dashboard.backups.failures")}{" "}
        <Badge
          color={(failed?.total ?? 0) > 0 ? "red" : "green"}
          variant="dot"
          data-testid="backup-failures"
        >
          {failed ? failed.total : "…"}
        </Badge>
      </Text>
      {(failed?.rows ?? []).map((r) => (
        <Text key={r.id} size="xs" c="red" truncate title={r.error ?? undefined}>
          #{r.id} {when(r.created_at)} — {r.error}
        </Text>
      ))}
    </>
  );
}

function TargetBytes({ id }: { id: number }) {
  const usage = useTargetUsage(id);
  return <>{usage.data ? formatBytes(usage.data.used) : usage.isError ? "–" : "…"}</>;
}

export function TargetsBytes({ targets }: { targets: BackupsSummary["targets"] }) {
  const { t } = useTranslation();
  return (
    <Table fz="sm" verticalSpacing={4}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t("admin.backup.tasks.target")}</Table.Th>
          <Table.Th ta="right">{t("admin.dashboard.backups.bytes")}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {targets.map((x) => (
          <Table.Tr key={x.id}>
            <Table.Td>{x.name}</Table.Td>
            <Table.Td ta="right">
              <TargetBytes id={x.id} />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
