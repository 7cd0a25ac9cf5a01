// The dashboard's incidents card: how many of the guard's incidents are open (each a device or
// app stopped until it is undone or released) and a link to the Incidents page. On a site
// without mail or notification channels this is where an administrator learns of them.
import { Alert, Paper, Stack, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { AnchorLink } from "../../../../components/links";
import { errorMessage } from "../../../../lib/errors";
import { listIncidents } from "../incidents/incidentsApi";

/** Plural: `admin.dashboard.incidents.open_one` and `_other`, chosen by `count`. */
const OPEN = "admin.dashboard.incidents.open";

export function IncidentsCard() {
  const { t } = useTranslation();
  const open = useQuery({
    queryKey: ["admin", "incidents", "open-count"],
    queryFn: () => listIncidents({ page: 1, page_size: 1, conditions: { state: "open" } }),
    select: (page) => page.total,
    refetchInterval: 60_000,
  });
  const count = open.data ?? 0;
  return (
    <Paper
      withBorder
      p="sm"
      data-testid="incidents-card"
      style={count > 0 ? { borderColor: "var(--mantine-color-red-filled)" } : undefined}
    >
      <Stack gap="xs">
        <Title order={3} size="h5">
          {t("admin.dashboard.incidents.title")}
        </Title>
        {open.isError ? (
          <Alert color="red" role="alert">
            {errorMessage(open.error)}
          </Alert>
        ) : open.isPending ? (
          <Text size="sm" c="dimmed">
            …
          </Text>
        ) : (
          <Text size="sm" c={count > 0 ? "red" : undefined} fw={count > 0 ? 600 : undefined}>
            {count > 0 ? t(OPEN, { count }) : t("admin.dashboard.incidents.none")}
          </Text>
        )}
        <AnchorLink to="/admin/$" params={{ _splat: "incidents" }} size="sm">
          {t("admin.dashboard.incidents.link")}
        </AnchorLink>
      </Stack>
    </Paper>
  );
}
