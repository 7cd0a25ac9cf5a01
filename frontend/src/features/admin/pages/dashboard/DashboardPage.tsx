// The dashboard: totals and daily charts of files, users and shares, the storage each policy
// holds, the site's addresses and the running version. The counts read whole tables, so the
// server keeps them: the page shows the kept ones and makes new ones when there are none or
// when asked.
import "@mantine/core/styles/SimpleGrid.css";
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Center,
  Group,
  Loader,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from "@mantine/core";
import { IconRefresh } from "@tabler/icons-react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../../../lib/errors";
import { formatBytes, formatDate } from "../../../../lib/format";
import { usePolicies } from "../policies/policiesApi";
import { QueueMetricsCard } from "../tasks/QueueMetricsCard";
import { BackupsCard } from "./BackupsCard";
import { DailyChart } from "./DailyChart";
import { fetchSummary, SUMMARY_QUERY } from "./dashboardApi";
import { HealthCard } from "./HealthCard";
import { TimelineCard } from "./TimelineCard";

export default function DashboardPage() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const summary = useQuery({ queryKey: SUMMARY_QUERY, queryFn: () => fetchSummary(false) });
  const policies = usePolicies();

  const refresh = async () => {
    const fresh = await fetchSummary(true);
    queryClient.setQueryData(SUMMARY_QUERY, fresh);
    await policies.refetch();
  };

  if (summary.isPending) {
    return (
      <Center>
        <Loader aria-label={t("admin.dashboard.loading")} />
      </Center>
    );
  }
  if (summary.isError) {
    return (
      <Alert color="red" role="alert">
        {errorMessage(summary.error)}
      </Alert>
    );
  }
  const m = summary.data.metrics_summary;
  const storage = (policies.data ?? []).reduce((sum, p) => sum + (p.entities_size ?? 0), 0);
  const charts = m
    ? [
        { key: "files", values: m.files, color: "var(--mantine-color-blue-6)" },
        { key: "users", values: m.users, color: "var(--mantine-color-teal-6)" },
        { key: "shares", values: m.shares, color: "var(--mantine-color-grape-6)" },
      ]
    : [];
  const totals = m
    ? [
        { key: "files", value: m.file_total.toLocaleString(i18n.language) },
        { key: "users", value: m.user_total.toLocaleString(i18n.language) },
        { key: "shares", value: m.share_total.toLocaleString(i18n.language) },
        { key: "blobs", value: m.entities_total.toLocaleString(i18n.language) },
        { key: "storage", value: policies.data ? formatBytes(storage) : "…" },
      ]
    : [];

  return (
    <Stack gap="md" pb="xl">
      <Group justify="flex-end" wrap="wrap">
        <Group gap="sm">
          {m && (
            <Text size="sm" c="dimmed">
              {t("admin.dashboard.generatedAt", {
                time: formatDate(m.generated_at, i18n.language),
              })}
            </Text>
          )}
          <Button
            variant="default"
            leftSection={<IconRefresh size={16} />}
            onClick={() => void refresh()}
          >
            {t("admin.dashboard.refresh")}
          </Button>
        </Group>
      </Group>

      <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }} spacing="sm">
        {totals.map((item) => (
          <Paper key={item.key} withBorder p="sm">
            <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
              {t(`admin.dashboard.totals.${item.key}` as "admin.dashboard.totals.files")}
            </Text>
            <Text size="xl" fw={700} data-testid={`total-${item.key}`}>
              {item.value}
            </Text>
          </Paper>
        ))}
      </SimpleGrid>

      {m && (
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
          {charts.map((c) => {
            const title = t(`admin.dashboard.daily.${c.key}` as "admin.dashboard.daily.files");
            const sum = c.values.reduce((a, b) => a + b, 0);
            return (
              <DailyChart
                key={c.key}
                title={title}
                dates={m.dates}
                values={c.values}
                color={c.color}
                language={i18n.language}
                summary={t("admin.dashboard.chartSummary", {
                  what: title,
                  days: c.values.length,
                  count: sum,
                })}
              />
            );
          })}
        </SimpleGrid>
      )}

      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm">
        <Paper withBorder p="sm">
          <Stack gap="xs">
            <Title order={3} size="h5">
              {t("admin.dashboard.siteUrls")}
            </Title>
            {summary.data.site_urls.map((url, i) => (
              <Group key={url} gap="xs" wrap="nowrap">
                <Anchor href={url} target="_blank" rel="noreferrer" size="sm" truncate>
                  {url}
                </Anchor>
                {i === 0 && (
                  <Badge size="xs" variant="light">
                    {t("admin.dashboard.primary")}
                  </Badge>
                )}
              </Group>
            ))}
            <Title order={3} size="h5" mt="xs">
              {t("admin.dashboard.version")}
            </Title>
            <Text size="sm" data-testid="version">
              Stratus {summary.data.version.version}
              {summary.data.version.commit ? ` (${summary.data.version.commit.slice(0, 10)})` : ""}
            </Text>
          </Stack>
        </Paper>
        <Paper withBorder p="sm">
          <Stack gap="xs">
            <Title order={3} size="h5">
              {t("admin.dashboard.policies")}
            </Title>
            {policies.isError ? (
              <Alert color="red" role="alert">
                {errorMessage(policies.error)}
              </Alert>
            ) : (
              <Table fz="sm" verticalSpacing={4}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t("admin.policies.name")}</Table.Th>
                    <Table.Th>{t("admin.policies.type")}</Table.Th>
                    <Table.Th ta="right">{t("admin.policies.blobs")}</Table.Th>
                    <Table.Th ta="right">{t("admin.policies.size")}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {(policies.data ?? []).map((p) => (
                    <Table.Tr key={p.id}>
                      <Table.Td>{p.name}</Table.Td>
                      <Table.Td>
                        {t(`admin.policies.types.${p.type}` as "admin.policies.types.local")}
                      </Table.Td>
                      <Table.Td ta="right">{p.entities_count ?? "–"}</Table.Td>
                      <Table.Td ta="right">
                        {p.entities_size === undefined ? "–" : formatBytes(p.entities_size)}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
            <Text size="xs" c="dimmed">
              {t("admin.dashboard.healthNote")}
            </Text>
          </Stack>
        </Paper>
      </SimpleGrid>

      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm">
        <BackupsCard />
        <HealthCard />
      </SimpleGrid>
      <TimelineCard />

      <QueueMetricsCard />
    </Stack>
  );
}
