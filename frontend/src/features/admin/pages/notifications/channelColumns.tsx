// The channels table's columns: name (opening the channel), type, where it delivers, for
// which events, and whether it is on.
import { Badge, Group, Text } from "@mantine/core";
import type { TFunction } from "i18next";
import type { Column } from "../../AdminList";
import { NameLink, StatusDot } from "../../list/RowAction";
import type { Channel } from "./channelsApi";

/** The addresses an e-mail channel writes to, or the webhook's URL. */
function where(c: Channel): string {
  const s = (c.settings ?? {}) as { to?: unknown; url?: unknown };
  return c.type === "email" && Array.isArray(s.to) ? s.to.join(", ") : String(s.url ?? "");
}

export function channelColumns(t: TFunction, open: (c: Channel) => void): Column<Channel>[] {
  return [
    {
      key: "name",
      label: t("admin.notify.name"),
      sort: "name",
      render: (c) => <NameLink onClick={() => open(c)}>{c.name}</NameLink>,
    },
    {
      key: "type",
      label: t("admin.notify.type"),
      render: (c) => (
        <Badge miw="max-content" variant="light" color={c.type === "email" ? "teal" : "grape"}>
          {t(c.type === "email" ? "admin.notify.types.email" : "admin.notify.types.webhook")}
        </Badge>
      ),
    },
    {
      key: "where",
      label: t("admin.notify.where"),
      render: (c) => (
        <Text size="sm" truncate maw={280}>
          {where(c)}
        </Text>
      ),
    },
    {
      key: "events",
      label: t("admin.notify.events"),
      render: (c) => (
        <Group gap={4} maw={360}>
          {c.events.map((e) => (
            <Badge key={e} size="xs" variant="outline" miw="max-content">
              {t(`admin.notify.eventNames.${e}` as "admin.notify.eventNames.node_up")}
            </Badge>
          ))}
        </Group>
      ),
    },
    {
      key: "enabled",
      label: t("admin.notify.enabled"),
      render: (c) => (
        <StatusDot color={c.enabled ? "green" : "gray"}>
          {t(c.enabled ? "admin.notify.on" : "admin.notify.off")}
        </StatusDot>
      ),
    },
  ];
}
