// Each queue's counts: busy workers, tasks done, failed, held and waiting. On the tasks page and
// the dashboard.
import "@mantine/core/styles/SimpleGrid.css";
import { Alert, Loader, Paper, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../../../lib/errors";
import { useQueueMetrics } from "./queueApi";

const COUNTS = [
  "busy_workers",
  "submitted_tasks",
  "suspending_tasks",
  "success_tasks",
  "failure_tasks",
] as const;

/** The totals over every queue, as tiles. */
export function QueueTotals() {
  const { t, i18n } = useTranslation();
  const metrics = useQueueMetrics();
  if (metrics.isPending) return <Loader size="sm" aria-label={t("admin.tasks.loadingMetrics")} />;
  if (metrics.isError) {
    return (
      <Alert color="red" role="alert">
        {errorMessage(metrics.error)}
      </Alert>
    );
  }
  return (
    <SimpleGrid cols={{ base: 2, sm: 5 }} spacing="sm">
      {COUNTS.map((key) => (
        <Paper key={key} withBorder p="sm">
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            {t(`admin.tasks.metrics.${key}`)}
          </Text>
          <Text size="xl" fw={700} data-testid={`queue-${key}`}>
            {metrics.data.reduce((sum, q) => sum + q[key], 0).toLocaleString(i18n.language)}
          </Text>
        </Paper>
      ))}
    </SimpleGrid>
  );
}

/** One row per queue, in a card. */
export function QueueMetricsCard() {
  const { t, i18n } = useTranslation();
  const metrics = useQueueMetrics();
  return (
    <Paper withBorder p="sm">
      <Stack gap="xs">
        <Title order={3} size="h5">
          {t("admin.tasks.queues")}
        </Title>
        {metrics.isPending ? (
          <Loader size="sm" aria-label={t("admin.tasks.loadingMetrics")} />
        ) : metrics.isError ? (
          <Alert color="red" role="alert">
            {errorMessage(metrics.error)}
          </Alert>
        ) : (
          <Table.ScrollContainer minWidth={480}>
            <Table fz="sm" verticalSpacing={4} data-testid="queue-metrics">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("admin.tasks.queue")}</Table.Th>
                  {COUNTS.map((key) => (
                    <Table.Th key={key} ta="right">
                      {t(`admin.tasks.metrics.${key}`)}
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {metrics.data.map((q) => (
                  <Table.Tr key={q.name}>
                    <Table.Td>
                      {t(
                        `admin.tasks.queueNames.${q.name}` as "admin.tasks.queueNames.io_intense",
                        {
                          defaultValue: q.name,
                        },
                      )}
                    </Table.Td>
                    {COUNTS.map((key) => (
                      <Table.Td key={key} ta="right">
                        {q[key].toLocaleString(i18n.language)}
                      </Table.Td>
                    ))}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Paper>
  );
}
