// The dashboard's health card: each node's liveness as the master's periodic check last found
// it, and each storage policy's write probe (at most a minute old).
import { Alert, Badge, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../../../lib/errors";
import { formatDate } from "../../../../lib/format";
import { useHealth } from "./dashboardApi";

function Line(props: {
  name: string;
  ok: boolean;
  okText: string;
  badText: string;
  note?: string | null;
}) {
  return (
    <Stack gap={0}>
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Text size="sm" truncate>
          {props.name}
        </Text>
        <Badge variant="dot" color={props.ok ? "green" : "red"} miw="max-content">
          {props.ok ? props.okText : props.badText}
        </Badge>
      </Group>
      {props.note && (
        <Text size="xs" c={props.ok ? "dimmed" : "red"} style={{ wordBreak: "break-word" }}>
          {props.note}
        </Text>
      )}
    </Stack>
  );
}

export function HealthCard() {
  const { t, i18n } = useTranslation();
  const health = useHealth();
  const seen = (iso?: string | null) =>
    iso ? t("admin.dashboard.health.lastSeen", { time: formatDate(iso, i18n.language) }) : null;
  return (
    <Paper withBorder p="sm">
      <Stack gap="xs">
        <Title order={3} size="h5">
          {t("admin.dashboard.health.title")}
        </Title>
        {health.isError ? (
          <Alert color="red" role="alert">
            {errorMessage(health.error)}
          </Alert>
        ) : !health.data ? (
          <Text size="sm" c="dimmed">
            …
          </Text>
        ) : (
          <>
            <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
              {t("admin.dashboard.health.nodes")}
            </Text>
            {health.data.nodes.map((n) => (
              <Line
                key={`n${n.id}`}
                name={n.name}
                ok={n.alive}
                okText={t("admin.dashboard.health.up")}
                badText={t("admin.dashboard.health.down")}
                note={n.alive ? seen(n.last_seen_at) : (n.last_error ?? seen(n.last_seen_at))}
              />
            ))}
            <Text size="xs" c="dimmed" tt="uppercase" fw={600} mt="xs">
              {t("admin.dashboard.health.policies")}
            </Text>
            {health.data.policies.map((p) => (
              <Line
                key={`p${p.id}`}
                name={p.name}
                ok={p.ok}
                okText={t("admin.dashboard.health.ok")}
                badText={t("admin.dashboard.health.failing")}
                note={p.error}
              />
            ))}
          </>
        )}
      </Stack>
    </Paper>
  );
}
