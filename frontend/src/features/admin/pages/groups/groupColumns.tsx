// The groups table's columns: name (opening the group), role, quota, speed limit and policy.
import { Badge, Text } from "@mantine/core";
import type { TFunction } from "i18next";
import { decodeBoolset } from "../../../../lib/boolset";
import { formatBytes } from "../../../../lib/format";
import type { Column } from "../../AdminList";
import type { AdminGroup } from "../../api";
import { NameLink } from "../../list/RowAction";

export function groupColumns(t: TFunction, open: (g: AdminGroup) => void): Column<AdminGroup>[] {
  return [
    { key: "id", label: t("admin.groups.id"), sort: "id", numeric: true, render: (g) => g.id },
    {
      key: "name",
      label: t("admin.groups.name"),
      sort: "name",
      render: (g) => <NameLink onClick={() => open(g)}>{g.name}</NameLink>,
    },
    { key: "role", label: t("admin.groups.role"), render: (g) => <RoleBadge group={g} t={t} /> },
    {
      key: "quota",
      label: t("admin.groups.maxStorage"),
      sort: "max_storage",
      numeric: true,
      render: (g) => formatBytes(g.max_storage),
    },
    {
      key: "speed",
      label: t("admin.groups.speedLimitShort"),
      sort: "speed_limit",
      numeric: true,
      render: (g) =>
        g.speed_limit ? `${formatBytes(g.speed_limit)}/s` : t("admin.groups.unlimited"),
    },
    {
      key: "policy",
      label: t("admin.groups.policy"),
      render: (g) =>
        g.edges.storage_policies?.name ?? (
          <Text size="sm" c="dimmed">
            {t("admin.groups.noPolicy")}
          </Text>
        ),
    },
  ];
}

function RoleBadge({ group, t }: { group: AdminGroup; t: TFunction }) {
  const bits = decodeBoolset(group.permissions);
  if (bits.has(0))
    return (
      <Badge miw="max-content" variant="dot" color="grape">
        {t("admin.groups.roleAdmin")}
      </Badge>
    );
  if (bits.has(1))
    return (
      <Badge miw="max-content" variant="dot" color="gray">
        {t("admin.groups.roleAnonymous")}
      </Badge>
    );
  return (
    <Badge miw="max-content" variant="dot">
      {t("admin.groups.roleUser")}
    </Badge>
  );
}
