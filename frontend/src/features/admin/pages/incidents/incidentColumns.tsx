// The incidents table's columns: id, its state, whose, which credential, what it did, and when
// it was stopped.
import { Text } from "@mantine/core";
import type { TFunction } from "i18next";
import type { Incident } from "../../../../api/guard";
import { countsLabel, IncidentState, kindLabel } from "../../../../components/guard/IncidentParts";
import { AnchorLink } from "../../../../components/links";
import { formatDate } from "../../../../lib/format";
import type { Column } from "../../AdminList";

export const stateLabel = (t: TFunction, state: string) =>
  t(`guard.state.${state}` as "guard.state.open", { defaultValue: state });

export function incidentColumns(t: TFunction, language: string): Column<Incident>[] {
  return [
    { key: "id", label: t("admin.files.id"), numeric: true, render: (r) => r.id },
    // Second, so a phone shows it before the table scrolls sideways.
    {
      key: "state",
      label: t("admin.incidents.state"),
      render: (r) => <IncidentState state={r.state} />,
    },
    { key: "user", label: t("admin.incidents.user"), render: (r) => <Owner incident={r} t={t} /> },
    {
      key: "credential",
      label: t("admin.incidents.credential"),
      render: (r) => (
        <div>
          <Text size="sm" truncate maw={220}>
            {r.credential.name}
          </Text>
          <Text size="xs" c="dimmed">
            {kindLabel(t, r.credential.kind)}
          </Text>
        </div>
      ),
    },
    { key: "changes", label: t("admin.incidents.changes"), render: (r) => countsLabel(t, r) },
    {
      key: "stopped",
      label: t("admin.incidents.stopped"),
      render: (r) => formatDate(r.tripped_at, language),
    },
  ];
}

/** The owner's e-mail, opening the users page filtered to it. */
function Owner({ incident, t }: { incident: Incident; t: TFunction }) {
  const email = incident.user_email;
  if (!email)
    return (
      <Text size="sm" c="dimmed">
        {incident.user_id ?? "–"}
      </Text>
    );
  return (
    <AnchorLink
      to="/admin/$"
      params={{ _splat: "users" }}
      search={{ user_email: email } as never}
      size="sm"
      title={t("admin.files.openOwner", { name: email })}
    >
      {email}
    </AnchorLink>
  );
}
