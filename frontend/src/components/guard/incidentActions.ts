// Undo all and "It was me" as the banner and Settings offer them, each confirmed by a
// notification: undo is a task (the notification links to the tasks page), release is at once.
import { notifications } from "@mantine/notifications";
import { type Incident, releaseIncident, undoIncident } from "../../api/guard";
import i18n from "../../i18n";
import { notifyQueued } from "../notifyQueued";
import { credentialLabel } from "./IncidentParts";

export async function undoAndTell(incident: Incident) {
  await undoIncident(incident.id);
  notifyQueued(
    i18n.t("settings.incidents.undoQueued", { name: credentialLabel(i18n.t, incident) }),
  );
}

export async function releaseAndTell(incident: Incident) {
  await releaseIncident(incident.id);
  notifications.show({
    color: "teal",
    message: i18n.t("guard.releasedToast", { name: credentialLabel(i18n.t, incident) }),
  });
}
