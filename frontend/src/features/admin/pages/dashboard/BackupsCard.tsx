// The dashboard's backups card: per task its last successful run and its next one, the runs
// that failed in the last 7 days, and the bytes Stratus backups hold on each target.
import { Alert, Badge, Button, Group, Paper, Stack, Table, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../../../lib/errors";
import { formatBytes, formatDate } from "../../../../lib/format";
import {
  listRecords,
  RECORDS_LIST,
  useAllTargets,
  useAllTasks,
  useTargetUsage,
} from "../backups/backupApi";

const WEEK_MS = 7 * 24 * 3600 * 1000;

function TargetBytes({ id }: { id: number }) {
  const usage = useTargetUsage(id);
  return <>{usage.data ? formatBytes(usage.data.used) : usage.isError ? "–" : "…"}</>;
}

export function BackupsCard() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const tasks = useAllTasks();
  const targets = useAllTargets();
  // The newest completed records: one per task is its last success.
  const completed = useQuery({
    queryKey: ["admin", RECORDS_LIST, "dashboard", "completed"],
    queryFn: () =>
      listRecords({
        page: 1,
        page_size: 200,
        order_by: "created_at",
        order_direction: "desc",
        conditions: { status: "completed" },
      }),
  });
  const failed = useQuery({
    queryKey: ["admin", RECORDS_LIST, "dashboard", "failed"],
    queryFn: () =>
      listRecords({
        page: 1,
        page_size: 5,
        order_by: "created_at",
        order_direction: "desc",
        conditions: {
          status: "failed",
          created_after: new Date(Date.now() - WEEK_MS).toISOString(),
        },
      }),
  });
  const lastSuccess = new Map<number, string>();
  for (const r of completed.data?.rows ?? []) {
    if (r.task_id != null && !lastSuccess.has(r.task_id))
      lastSuccess.set(r.task_id, r.finished_at ?? r.created_at);
  }
  const when = (iso?: string | null) => (iso ? formatDate(iso, i18n.language) : "—");
  const error = tasks.error ?? targets.error ?? completed.error ?? failed.error;

  return (
    <Paper withBorder p="sm">
      <Stack gap="xs">
        <Title order={3} size="h5">
          {t("admin.dashboard.backups.title")}
        </Title>
        {error ? (
          <Alert color="red" role="alert">
            {errorMessage(error)}
          </Alert>
        ) : (tasks.data ?? []).length === 0 ? (
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
        ) : (
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
                {(tasks.data ?? []).map((task) => (
                  <Table.Tr key={task.id}>
                    <Table.Td>{task.name}</Table.Td>
                    <Table.Td>{when(lastSuccess.get(task.id))}</Table.Td>
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
        )}
        <Text size="sm">
          {t("admin.dashboard.backups.failures")}{" "}
          <Badge
            color={(failed.data?.total ?? 0) > 0 ? "red" : "green"}
            variant="dot"
            data-testid="backup-failures"
          >
            {failed.data ? failed.data.total : "…"}
          </Badge>
        </Text>
        {(failed.data?.rows ?? []).map((r) => (
          <Text key={r.id} size="xs" c="red" truncate title={r.error ?? undefined}>
            #{r.id} {when(r.created_at)} — {r.error}
          </Text>
        ))}
        {(targets.data ?? []).length > 0 && (
          <Table fz="sm" verticalSpacing={4}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("admin.backup.tasks.target")}</Table.Th>
                <Table.Th ta="right">{t("admin.dashboard.backups.bytes")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(targets.data ?? []).map((x) => (
                <Table.Tr key={x.id}>
                  <Table.Td>{x.name}</Table.Td>
                  <Table.Td ta="right">
                    <TargetBytes id={x.id} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Paper>
  );
}
