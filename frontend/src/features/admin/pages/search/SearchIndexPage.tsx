// The full-text search page: whether the site searches file contents (a switch, and the
// settings page for the rest), the index's counts (files indexed, index tasks pending, files
// whose text could not be read, with the latest reasons), and a rebuild with its progress.
import "@mantine/core/styles/SimpleGrid.css";
import {
  Alert,
  Button,
  Group,
  Loader,
  Paper,
  Progress,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  Title,
} from "@mantine/core";
import { IconRefresh } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { AnchorLink } from "../../../../components/links";
import { errorMessage, notifyError } from "../../../../lib/errors";
import {
  type FtsStatus,
  rebuildIndex,
  setFtsEnabled,
  useFtsStatus,
  useRebuildProgress,
} from "./ftsApi";

export default function SearchIndexPage() {
  const { t } = useTranslation();
  const status = useFtsStatus();
  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed">
        {t("admin.search.intro")}
      </Text>
      {status.isPending ? (
        <Loader size="sm" aria-label={t("admin.search.loading")} />
      ) : status.isError ? (
        <Alert color="red" role="alert">
          {errorMessage(status.error)}
        </Alert>
      ) : (
        <>
          <EnableCard enabled={status.data.enabled} />
          <Counts status={status.data} />
          <RebuildCard status={status.data} />
          <Failures status={status.data} />
        </>
      )}
    </Stack>
  );
}

function EnableCard({ enabled }: { enabled: boolean }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const toggle = (on: boolean) => {
    setBusy(true);
    setFtsEnabled(on)
      .catch(notifyError)
      .finally(() => setBusy(false));
  };
  return (
    <Paper withBorder p="sm">
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Switch
          checked={enabled}
          disabled={busy}
          onChange={(e) => toggle(e.currentTarget.checked)}
          label={t("admin.search.enabled")}
          description={t(enabled ? "admin.search.enabledOn" : "admin.search.enabledOff")}
        />
        <AnchorLink to="/admin/$" params={{ _splat: "settings" }} size="sm">
          {t("admin.search.settings")}
        </AnchorLink>
      </Group>
    </Paper>
  );
}

const COUNTS = ["indexed", "pending", "failed"] as const;

function Counts({ status }: { status: FtsStatus }) {
  const { t, i18n } = useTranslation();
  return (
    <SimpleGrid cols={{ base: 3 }} spacing="sm">
      {COUNTS.map((key) => (
        <Paper key={key} withBorder p="sm">
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            {t(`admin.search.counts.${key}`)}
          </Text>
          <Text size="xl" fw={700} data-testid={`fts-${key}`}>
            {status[key].toLocaleString(i18n.language)}
          </Text>
        </Paper>
      ))}
    </SimpleGrid>
  );
}

function RebuildCard({ status }: { status: FtsStatus }) {
  const { t } = useTranslation();
  const [taskId, setTaskId] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const progress = useRebuildProgress(taskId, status.rebuilding);
  const start = () => {
    setStarting(true);
    rebuildIndex()
      .then(setTaskId)
      .catch(notifyError)
      .finally(() => setStarting(false));
  };
  const p = progress.data;
  const percent = p && p.total > 0 ? Math.min(100, (p.current / p.total) * 100) : 0;
  return (
    <Paper withBorder p="sm">
      <Stack gap="xs">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Text size="sm">{t("admin.search.rebuildHelp")}</Text>
          <Button
            leftSection={<IconRefresh size={16} />}
            loading={starting}
            disabled={status.rebuilding}
            onClick={start}
          >
            {t("admin.search.rebuild")}
          </Button>
        </Group>
        {(status.rebuilding || taskId) && (
          <Stack gap={4} data-testid="fts-rebuild">
            <Progress
              value={status.rebuilding ? percent : 100}
              animated={status.rebuilding}
              aria-label={t("admin.search.progress")}
            />
            <Text size="xs" c="dimmed">
              {status.rebuilding
                ? t("admin.search.rebuilding", { current: p?.current ?? 0, total: p?.total ?? 0 })
                : t("admin.search.rebuilt")}
            </Text>
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}

function Failures({ status }: { status: FtsStatus }) {
  const { t } = useTranslation();
  if (status.recent_failures.length === 0) return null;
  return (
    <Paper withBorder p="sm">
      <Stack gap="xs">
        <Title order={3} size="h5">
          {t("admin.search.failures")}
        </Title>
        <Table.ScrollContainer minWidth={360}>
          <Table fz="sm" verticalSpacing={4} data-testid="fts-failures">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("admin.search.fileId")}</Table.Th>
                <Table.Th>{t("admin.search.reason")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {status.recent_failures.map((f) => (
                <Table.Tr key={f.file_id}>
                  <Table.Td>
                    <Text size="sm">{f.name || "—"}</Text>
                    <Text size="xs" c="dimmed" ff="monospace">
                      {f.file_id}
                    </Text>
                  </Table.Td>
                  <Table.Td style={{ wordBreak: "break-word" }}>{f.reason}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Stack>
    </Paper>
  );
}
