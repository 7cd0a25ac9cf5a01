// The banner the guard raises across the app while one of the user's credentials is stopped:
// which one, what it did, and the two ways out — put everything back ("Undo all") or let it
// write again ("It was me"), each confirmed by a notification — with the details (the first paths it touched) a click away.
import { Alert, Button, Group, Stack, Text } from "@mantine/core";
import { IconShieldExclamation } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { type Incident, useOpenIncidents } from "../../api/guard";
import { IncidentDetails, kindLabel } from "../../components/guard/IncidentParts";
import { releaseAndTell, undoAndTell } from "../../components/guard/incidentActions";
import { notifyError } from "../../lib/errors";
import { formatDate } from "../../lib/format";

export function GuardBanner() {
  const open = useOpenIncidents().data?.[0];
  if (!open) return null;
  return <Banner incident={open} />;
}

function Banner({ incident }: { incident: Incident }) {
  const { t, i18n } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [details, setDetails] = useState(false);
  const act = async (what: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await what();
    } catch (e) {
      notifyError(e);
    } finally {
      setBusy(false);
    }
  };
  const { counts, credential } = incident;
  return (
    <Alert
      color="red"
      variant="light"
      icon={<IconShieldExclamation size={20} />}
      title={t("guard.title", { name: credential.name })}
      role="alert"
      mb="sm"
    >
      <Stack gap="xs">
        <Text size="sm">
          {t("guard.body", {
            kind: kindLabel(t, credential.kind),
            deleted: counts.deleted,
            overwritten: counts.overwritten,
            renamed: counts.renamed,
            since: formatDate(incident.started_at, i18n.language),
          })}
        </Text>
        <Group gap="xs">
          <Button
            size="xs"
            color="red"
            loading={busy}
            onClick={() => act(() => undoAndTell(incident))}
          >
            {t("guard.undo")}
          </Button>
          <Button
            size="xs"
            variant="default"
            disabled={busy}
            onClick={() => act(() => releaseAndTell(incident))}
          >
            {t("guard.release")}
          </Button>
          <Button size="xs" variant="subtle" onClick={() => setDetails(true)}>
            {t("guard.details")}
          </Button>
        </Group>
      </Stack>
      {details && <IncidentDetails incident={incident} onClose={() => setDetails(false)} />}
    </Alert>
  );
}
