// The dashboard: totals and daily charts of files, users and shares, the storage each policy
// holds, the site's addresses and the running version, and the guard's open incidents. The counts read whole tables, so the
// server keeps them: the page shows the kept ones and makes new ones when there are none or
// when asked. A warning heads the page while it is open at an address the site URLs lack.
import "@mantine/core/styles/SimpleGrid.css";
import { Alert, Center, Loader, SimpleGrid, Stack } from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../../../lib/errors";
import { usePolicies } from "../policies/policiesApi";
import { QueueMetricsCard } from "../tasks/QueueMetricsCard";
import { BackupsCard } from "./BackupsCard";
import { DailyCharts, PoliciesCard, RefreshBar, SiteCard, Totals } from "./DashboardParts";
import { fetchSummary, SUMMARY_QUERY } from "./dashboardApi";
import { HealthCard } from "./HealthCard";
import { IncidentsCard } from "./IncidentsCard";
import { SiteUrlWarning } from "./SiteUrlWarning";
import { TimelineCard } from "./TimelineCard";

export default function DashboardPage() {
  const { t } = useTranslation();
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
  return (
    <Stack gap="md" pb="xl">
      <SiteUrlWarning siteUrls={summary.data.site_urls} />
      <IncidentsCard />
      <RefreshBar metrics={m} onRefresh={() => void refresh()} />
      <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }} spacing="sm">
        {m && <Totals m={m} policies={policies} />}
      </SimpleGrid>
      {m && <DailyCharts m={m} />}
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm">
        <SiteCard summary={summary.data} />
        <PoliciesCard policies={policies} />
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
