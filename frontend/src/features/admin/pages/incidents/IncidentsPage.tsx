// Incidents: every time the guard against mass deletion stopped a user's credential, newest
// first, filtered by state; the files it changed; an open one undone (every file put back, as a
// task) or released (the credential may write again) for its owner. Both ask first.
import { Stack } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconArrowBackUp, IconListDetails, IconLockOpen } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Incident } from "../../../../api/guard";
import { ConfirmDialog } from "../../../../components/ConfirmDialog";
import { credentialLabel, IncidentDetails } from "../../../../components/guard/IncidentParts";
import { formatDate } from "../../../../lib/format";
import { AdminList, type FilterField } from "../../AdminList";
import { RowAction } from "../../list/RowAction";
import { incidentColumns, stateLabel } from "./incidentColumns";
import {
  INCIDENT_STATES,
  listIncidents,
  releaseAnyIncident,
  undoAnyIncident,
} from "./incidentsApi";

type Asked = { incident: Incident; action: "undo" | "release" };

export default function IncidentsPage() {
  const { t, i18n } = useTranslation();
  const [shown, setShown] = useState<Incident | null>(null);
  const [asked, setAsked] = useState<Asked | null>(null);

  const filters: FilterField[] = [
    {
      key: "state",
      label: t("admin.incidents.state"),
      type: "select",
      options: INCIDENT_STATES.map((s) => ({ value: s, label: stateLabel(t, s) })),
    },
  ];

  return (
    <Stack gap="md">
      <AdminList<Incident>
        id="incidents"
        title={t("admin.nav.incidents")}
        fetchPage={listIncidents}
        columns={incidentColumns(t, i18n.language)}
        rowKey={(r) => r.id}
        rowName={(r) => `#${r.id} ${credentialLabel(t, r)}`}
        filters={filters}
        emptyText={t("admin.incidents.empty")}
        rowActions={(r) => (
          <RowActions
            incident={r}
            onDetails={() => setShown(r)}
            onAsk={(action) => setAsked({ incident: r, action })}
          />
        )}
      />
      {shown && <IncidentDetails incident={shown} onClose={() => setShown(null)} />}
      {asked && <Confirm asked={asked} onClose={() => setAsked(null)} />}
    </Stack>
  );
}

function RowActions(props: {
  incident: Incident;
  onDetails: () => void;
  onAsk: (action: "undo" | "release") => void;
}) {
  const { t } = useTranslation();
  const { id, state } = props.incident;
  return (
    <>
      <RowAction
        tip={t("admin.incidents.files")}
        label={t("admin.incidents.filesOf", { id })}
        icon={IconListDetails}
        onClick={props.onDetails}
      />
      {state === "open" && (
        <>
          <RowAction
            tip={t("admin.incidents.undo")}
            label={t("admin.incidents.undoOf", { id })}
            icon={IconArrowBackUp}
            color="red"
            onClick={() => props.onAsk("undo")}
          />
          <RowAction
            tip={t("admin.incidents.release")}
            label={t("admin.incidents.releaseOf", { id })}
            icon={IconLockOpen}
            onClick={() => props.onAsk("release")}
          />
        </>
      )}
    </>
  );
}

/** The question before undo or release; the list is read again once it is done. */
function Confirm({ asked, onClose }: { asked: Asked; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const { incident, action } = asked;
  const words = {
    name: credentialLabel(t, incident),
    owner: incident.user_email ?? "",
    since: formatDate(incident.started_at, i18n.language),
  };
  const run = async () => {
    if (action === "undo") {
      const started = await undoAnyIncident(incident.id);
      notifications.show({
        color: "teal",
        message: t("admin.incidents.undoStarted", { task: started.task_id }),
      });
    } else {
      await releaseAnyIncident(incident.id);
    }
    await queryClient.invalidateQueries({ queryKey: ["admin", "incidents"] });
  };
  return (
    <ConfirmDialog
      title={t(action === "undo" ? "admin.incidents.undoTitle" : "admin.incidents.releaseTitle")}
      message={t(
        action === "undo" ? "admin.incidents.undoBody" : "admin.incidents.releaseBody",
        words,
      )}
      confirmLabel={t(action === "undo" ? "admin.incidents.undo" : "admin.incidents.release")}
      color={action === "undo" ? "red" : "blue"}
      onConfirm={run}
      onClose={onClose}
    />
  );
}
