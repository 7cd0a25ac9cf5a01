// The OAuth apps table's columns, its filters and its batch delete (which leaves the system
// apps alone and says so).
import { Badge, Group, Stack, Text, Tooltip } from "@mantine/core";
import type { TFunction } from "i18next";
import { AppIcon } from "../../../../components/oauth/AppIcon";
import { appName } from "../../../../components/oauth/appName";
import { formatDate } from "../../../../lib/format";
import type { BatchAction, Column, FilterField } from "../../AdminList";
import { NameLink, StatusDot } from "../../list/RowAction";
import { deleteClients, type OAuthClient } from "./oauthClientsApi";

export function clientFilters(t: TFunction): FilterField[] {
  return [
    { key: "name", label: t("oauth.admin.name"), kind: "search" },
    {
      key: "is_enabled",
      label: t("oauth.admin.enabled"),
      type: "select",
      options: [
        { value: "true", label: t("oauth.admin.on") },
        { value: "false", label: t("oauth.admin.off") },
      ],
    },
  ];
}

export function clientColumns(
  t: TFunction,
  language: string,
  open: (c: OAuthClient) => void,
): Column<OAuthClient>[] {
  return [
    {
      key: "name",
      label: t("oauth.admin.name"),
      sort: "name",
      render: (c) => (
        <Group gap="xs" wrap="nowrap">
          <AppIcon src={c.props?.icon} size={28} />
          <NameLink onClick={() => open(c)}>{appName(c.name)}</NameLink>
          {c.is_system && (
            <Badge size="xs" variant="light" color="blue" miw="max-content">
              {t("oauth.admin.system")}
            </Badge>
          )}
        </Group>
      ),
    },
    {
      key: "guid",
      label: t("oauth.admin.clientId"),
      render: (c) => (
        <Tooltip label={c.guid}>
          <Text size="xs" ff="monospace" truncate maw={160}>
            {c.guid}
          </Text>
        </Tooltip>
      ),
    },
    {
      key: "scopes",
      label: t("oauth.admin.scopes"),
      render: (c) => (
        <Text size="xs" ff="monospace" lineClamp={2} maw={260}>
          {(c.scopes ?? []).join(" ")}
        </Text>
      ),
    },
    {
      key: "is_enabled",
      label: t("oauth.admin.enabled"),
      sort: "is_enabled",
      render: (c) => (
        <StatusDot color={c.is_enabled ? "green" : "gray"}>
          {t(c.is_enabled ? "oauth.admin.on" : "oauth.admin.off")}
        </StatusDot>
      ),
    },
    {
      key: "created_at",
      label: t("oauth.admin.created"),
      sort: "created_at",
      render: (c) => <Text size="sm">{formatDate(c.created_at, language)}</Text>,
    },
  ];
}

export function clientBatchActions(t: TFunction): BatchAction<OAuthClient>[] {
  return [
    {
      key: "delete",
      label: t("oauth.admin.delete"),
      confirmLabel: t("oauth.admin.delete"),
      danger: true,
      describe: (rows) => {
        const system = rows.filter((r) => r.is_system).length;
        return (
          <Stack gap="xs">
            <Text size="sm">{t("oauth.admin.batchDelete", { count: rows.length - system })}</Text>
            {system > 0 && (
              <Text size="sm" c="dimmed">
                {t("oauth.admin.batchSkipsSystem", { count: system })}
              </Text>
            )}
          </Stack>
        );
      },
      run: async (rows) => {
        await deleteClients(rows.filter((r) => !r.is_system).map((r) => r.id));
      },
    },
  ];
}
