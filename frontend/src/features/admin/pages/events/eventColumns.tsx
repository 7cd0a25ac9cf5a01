// The audit log's columns and filters: time, type, user (narrowing the log to them), address
// and a one-line summary; and the type names they share with the details and the export.
import { Anchor, Badge, Text, Tooltip } from "@mantine/core";
import type { TFunction } from "i18next";
import { formatDate } from "../../../../lib/format";
import type { Column, FilterField } from "../../AdminList";
import type { AdminEvent } from "../../api";
import { contentLine } from "./content";
import { EVENT_TYPES } from "./types";

export function eventTypeName(t: TFunction, type: number): string {
  const key = EVENT_TYPES[type];
  return key
    ? t(`admin.events.types.${key}` as "admin.events.types.login")
    : t("admin.events.unknownType", { type });
}

export function eventFilters(t: TFunction): FilterField[] {
  return [
    {
      key: "event_type",
      label: t("admin.events.type"),
      type: "select",
      options: Object.keys(EVENT_TYPES).map((type) => ({
        value: type,
        label: eventTypeName(t, Number(type)),
      })),
    },
    { key: "event_user_id", label: t("admin.events.userId") },
    { key: "event_ip", label: t("admin.events.ip"), kind: "search" },
    { key: "event_created_from", label: t("admin.events.from"), type: "datetime" },
    { key: "event_created_to", label: t("admin.events.to"), type: "datetime" },
  ];
}

export function eventColumns(
  t: TFunction,
  language: string,
  byUser: (id: number) => void,
): Column<AdminEvent>[] {
  return [
    {
      key: "time",
      label: t("admin.events.time"),
      sort: "created_at",
      render: (e) => (
        <Text size="sm" style={{ whiteSpace: "nowrap" }}>
          {formatDate(e.created_at, language)}
        </Text>
      ),
    },
    {
      key: "type",
      label: t("admin.events.type"),
      sort: "type",
      render: (e) => (
        <Badge
          miw="max-content"
          variant="dot"
          color={e.type === 60 ? "grape" : [3, 21, 30].includes(e.type) ? "red" : "blue"}
        >
          {eventTypeName(t, e.type)}
        </Badge>
      ),
    },
    {
      key: "user",
      label: t("admin.events.user"),
      sort: "user_id",
      render: (e) => <EventUser event={e} t={t} byUser={byUser} />,
    },
    { key: "ip", label: t("admin.events.ip"), sort: "ip", render: (e) => e.ip ?? "" },
    {
      key: "summary",
      label: t("admin.events.what"),
      render: (e) => (
        <Text size="sm" lineClamp={1} maw={320}>
          {summary(e)}
        </Text>
      ),
    },
  ];
}

function EventUser(props: { event: AdminEvent; t: TFunction; byUser: (id: number) => void }) {
  const { event: e, t } = props;
  if (!e.user_id) {
    return (
      <Text size="sm" c="dimmed">
        {t("admin.events.nobody")}
      </Text>
    );
  }
  return (
    <Tooltip label={t("admin.events.onlyThisUser")}>
      <Anchor
        component="button"
        type="button"
        size="sm"
        onClick={() => e.user_id && props.byUser(e.user_id)}
      >
        {e.edges.user?.email ?? `#${e.user_id}`}
      </Anchor>
    </Tooltip>
  );
}

/** One line about an event: an admin change names its target and action; others their content. */
function summary(e: AdminEvent): string {
  const content = e.content as Record<string, unknown> | undefined | null;
  if (!content || typeof content !== "object") return "";
  if (e.type === 60 && typeof content.target === "string") {
    const changes =
      content.changes && typeof content.changes === "object" ? Object.keys(content.changes) : [];
    return `${content.target}${content.id !== undefined ? ` #${content.id}` : ""} ${content.action ?? ""}${changes.length ? `: ${changes.join(", ")}` : ""}`;
  }
  return contentLine(content);
}
