// Security incidents: every time the guard against mass deletion stopped one of the user's
// credentials (a WebDAV account, sync device, app or S3 key) for deleting or rewriting far more
// than usual, open and closed, newest first. An open one is undone (every file put back) or
// released ("It was me") here as from the banner; each shows the files it changed.
import { Alert, Button, Group, Loader, Stack, Text } from "@mantine/core";
import { IconShieldExclamation } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { type Incident, useIncident, useIncidentPages } from "../../api/guard";
import {
  countsLabel,
  credentialLabel,
  IncidentDetails,
  IncidentState,
} from "../../components/guard/IncidentParts";
import { releaseAndTell, undoAndTell } from "../../components/guard/incidentActions";
import { errorMessage, notifyError } from "../../lib/errors";
import { formatDate } from "../../lib/format";
import { Section } from "./Section";

export function IncidentsSection() {
  const { t } = useTranslation();
  const incidents = useIncidentPages();
  const rows = incidents.data?.pages.flatMap((page) => page.incidents) ?? [];
  const [shown, setShown] = useState<number | null>(null);
  return (
    <Section
      id="incidents"
      title={t("settings.incidents.title")}
      description={t("settings.incidents.intro")}
    >
      {incidents.isPending ? (
        <Loader size="sm" aria-label={t("explorer.loading")} />
      ) : incidents.isError ? (
        <Alert color="red" role="alert">
          {errorMessage(incidents.error)}
        </Alert>
      ) : rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t("settings.incidents.none")}
        </Text>
      ) : (
        <Stack gap="md">
          <Stack gap="md" component="ul" p={0} m={0} style={{ listStyle: "none" }}>
            {rows.map((incident) => (
              <IncidentRow
                key={incident.id}
                incident={incident}
                onDetails={() => setShown(incident.id)}
              />
            ))}
          </Stack>
          {incidents.hasNextPage && (
            <Button
              variant="default"
              size="xs"
              style={{ alignSelf: "flex-start" }}
              loading={incidents.isFetchingNextPage}
              onClick={() => incidents.fetchNextPage()}
            >
              {t("settings.incidents.more")}
            </Button>
          )}
        </Stack>
      )}
      {shown !== null && <ShownIncident id={shown} onClose={() => setShown(null)} />}
    </Section>
  );
}

/** The details through the incident's own route (its paths and what undo did). */
function ShownIncident({ id, onClose }: { id: number; onClose: () => void }) {
  const incident = useIncident(id);
  return <IncidentDetails incident={incident.data} error={incident.error} onClose={onClose} />;
}

function IncidentRow({ incident, onDetails }: { incident: Incident; onDetails: () => void }) {
  const { t, i18n } = useTranslation();
  const name = credentialLabel(t, incident);
  return (
    <li data-testid="incident">
      <Group justify="space-between" wrap="wrap" align="flex-start" gap="sm">
        <Group wrap="nowrap" align="flex-start" gap="sm" style={{ minWidth: 0, flex: "1 1 16rem" }}>
          <IconShieldExclamation size={28} stroke={1.5} aria-hidden style={{ flex: "none" }} />
          <div style={{ minWidth: 0 }}>
            <Group gap="xs">
              <Text fw={500} style={{ overflowWrap: "anywhere" }}>
                {name}
              </Text>
              <IncidentState state={incident.state} />
            </Group>
            <Text size="xs" c="dimmed">
              {[
                countsLabel(t, incident),
                t("guard.stopped", { when: formatDate(incident.tripped_at, i18n.language) }),
              ].join(" · ")}
            </Text>
          </div>
        </Group>
        <Group gap="xs" wrap="nowrap" style={{ flex: "none" }}>
          {incident.state === "open" && <OpenActions incident={incident} />}
          <Button
            size="xs"
            variant="subtle"
            aria-label={t("settings.incidents.filesOf", { name })}
            onClick={onDetails}
          >
            {t("settings.incidents.files")}
          </Button>
        </Group>
      </Group>
    </li>
  );
}

/** Undo all and "It was me", for an incident that still stops its credential. */
function OpenActions({ incident }: { incident: Incident }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState<"undo" | "release" | null>(null);
  const act = async (which: "undo" | "release") => {
    setBusy(which);
    try {
      await (which === "undo" ? undoAndTell(incident) : releaseAndTell(incident));
    } catch (e) {
      notifyError(e);
    } finally {
      setBusy(null);
    }
  };
  return (
    <>
      <Button
        size="xs"
        color="red"
        loading={busy === "undo"}
        disabled={busy !== null}
        onClick={() => act("undo")}
      >
        {t("guard.undo")}
      </Button>
      <Button
        size="xs"
        variant="default"
        loading={busy === "release"}
        disabled={busy !== null}
        onClick={() => act("release")}
      >
        {t("guard.release")}
      </Button>
    </>
  );
}
