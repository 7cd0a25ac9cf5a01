// The dashboard's backups card: per task its last successful run and its next one, the runs
// that failed in the last 7 days, and the bytes Stratus backups hold on each target.
import { Alert, Paper, Stack, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../../../lib/errors";
import { formatDate } from "../../../../lib/format";
import { FailedRuns, NoBackupTasks, TargetsBytes, TaskRuns } from "./BackupsRows";
import { useBackupsSummary } from "./useBackupsSummary";

export function BackupsCard() {
  const { t, i18n } = useTranslation();
  const summary = useBackupsSummary();
  const when = (iso?: string | null) => (iso ? formatDate(iso, i18n.language) : "—");
  return (
    <Paper withBorder p="sm">
      <Stack gap="xs">
        <Title order={3} size="h5">
          {t("admin.dashboard.backups.title")}
        </Title>
        {summary.error ? (
          <Alert color="red" role="alert">
            {errorMessage(summary.error)}
          </Alert>
        ) : summary.tasks.length === 0 ? (
          <NoBackupTasks />
        ) : (
          <TaskRuns summary={summary} when={when} />
        )}
        <FailedRuns failed={summary.failed} when={when} />
        {summary.targets.length > 0 && <TargetsBytes targets={summary.targets} />}
      </Stack>
    </Paper>
  );
}
