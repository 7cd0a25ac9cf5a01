// The dashboard's parts: when the counts were made with the button that makes new ones, the
// totals, the daily charts, the site's addresses and version, and the storage each policy holds.
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from "@mantine/core";
import { IconRefresh } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../../../lib/errors";
import { formatBytes, formatDate } from "../../../../lib/format";
import type { usePolicies } from "../policies/policiesApi";
import { DailyChart } from "./DailyChart";
import type { fetchSummary } from "./dashboardApi";

export type Summary = Awaited<ReturnType<typeof fetchSummary>>;
export type Metrics = NonNullable<Summary["metrics_summary"]>;
type Policies = ReturnType<typeof usePolicies>;

export function RefreshBar(props: { metrics?: Metrics | null; onRefresh: () => void }) {
  const { t, i18n } = useTranslation();
  const m = props.metrics;
  return (
    <Group justify="flex-end" wrap="wrap">
      <Group gap="sm">
        {m && (
          <Text size="sm" c="dimmed">
            {t("admin.dashboard.generatedAt", {
              time: formatDate(m.generated_at, i18n.language),
            })}
          </Text>
        )}
        <Button variant="default" leftSection={<IconRefresh size={16} />} onClick={props.onRefresh}>
          {t("admin.dashboard.refresh")}
        </Button>
      </Group>
    </Group>
  );
}

export function Totals({ m, policies }: { m: Metrics; policies: Policies }) {
  const { t, i18n } = useTranslation();
  const storage = (policies.data ?? []).reduce((sum, p) => sum + (p.entities_size ?? 0), 0);
  const totals = [
    { key: "files", value: m.file_total.toLocaleString(i18n.language) },
    { key: "users", value: m.user_total.toLocaleString(i18n.language) },
    { key: "shares", value: m.share_total.toLocaleString(i18n.language) },
    { key: "blobs", value: m.entities_total.toLocaleString(i18n.language) },
    { key: "storage", value: policies.data ? formatBytes(storage) : "…" },
  ];
  return (
    <>
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
    </>
  );
}

export function DailyCharts({ m }: { m: Metrics }) {
  const { t, i18n } = useTranslation();
  const charts = [
    { key: "files", values: m.files, color: "var(--mantine-color-blue-6)" },
    { key: "users", values: m.users, color: "var(--mantine-color-teal-6)" },
    { key: "shares", values: m.shares, color: "var(--mantine-color-grape-6)" },
  ];
  return (
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
  );
}

export function SiteCard({ summary }: { summary: Summary }) {
  const { t } = useTranslation();
  return (
    <Paper withBorder p="sm">
      <Stack gap="xs">
        <Title order={3} size="h5">
          {t("admin.dashboard.siteUrls")}
        </Title>
        {summary.site_urls.map((url, i) => (
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
          Stratus {summary.version.version}
          {summary.version.commit ? ` (${summary.version.commit.slice(0, 10)})` : ""}
        </Text>
      </Stack>
    </Paper>
  );
}

export function PoliciesCard({ policies }: { policies: Policies }) {
  const { t } = useTranslation();
  return (
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
  );
}
