// The users table's columns and filters: e-mail (opening the account), nick, group, status
// with two-factor, storage and when the account was made.
import { Badge, Group, Text } from "@mantine/core";
import type { TFunction } from "i18next";
import { formatBytes, formatDate, formatDay } from "../../../../lib/format";
import type { Column, FilterField } from "../../AdminList";
import type { AdminGroup, AdminUser } from "../../api";
import { NameLink } from "../../list/RowAction";
import { isBanned, USER_STATUSES } from "./usersApi";

export function userFilters(t: TFunction, groups: AdminGroup[]): FilterField[] {
  return [
    { key: "user_email", label: t("admin.users.email"), kind: "search" },
    { key: "user_nick", label: t("admin.users.nick"), kind: "search" },
    {
      key: "user_group",
      label: t("admin.users.group"),
      type: "select",
      options: groups.map((g) => ({ value: String(g.id), label: g.name })),
    },
    {
      key: "user_status",
      label: t("admin.users.status"),
      type: "select",
      options: USER_STATUSES.map((s) => ({ value: s, label: t(`admin.users.statuses.${s}`) })),
    },
  ];
}

type Context = {
  t: TFunction;
  language: string;
  groupName: (id: number) => string;
  open: (u: AdminUser) => void;
};

export function userColumns({ t, language, groupName, open }: Context): Column<AdminUser>[] {
  return [
    { key: "id", label: t("admin.users.id"), sort: "id", render: (u) => u.id, numeric: true },
    {
      key: "email",
      label: t("admin.users.email"),
      sort: "email",
      render: (u) => <NameLink onClick={() => open(u)}>{u.email}</NameLink>,
    },
    { key: "nick", label: t("admin.users.nick"), sort: "nick", render: (u) => u.nick },
    {
      key: "group",
      label: t("admin.users.group"),
      sort: "group_id",
      render: (u) => groupName(u.group_users),
    },
    {
      key: "status",
      label: t("admin.users.status"),
      sort: "status",
      render: (u) => <UserStatus user={u} t={t} />,
    },
    {
      key: "storage",
      label: t("admin.users.storage"),
      sort: "storage",
      numeric: true,
      render: (u) =>
        u.capacity
          ? `${formatBytes(u.capacity.used)} / ${formatBytes(u.capacity.total)}`
          : formatBytes(u.storage),
    },
    {
      key: "created",
      label: t("admin.users.created"),
      sort: "created_at",
      render: (u) => (
        <Text size="sm" title={formatDate(u.created_at, language)}>
          {formatDay(u.created_at, language)}
        </Text>
      ),
    },
  ];
}

function UserStatus({ user: u, t }: { user: AdminUser; t: TFunction }) {
  return (
    <Group gap={4} wrap="nowrap">
      <Badge
        miw="max-content"
        variant="dot"
        color={u.status === "active" ? "green" : isBanned(u.status) ? "red" : "gray"}
      >
        {t(`admin.users.statuses.${u.status as "active"}`, { defaultValue: u.status })}
      </Badge>
      {u.two_fa_enabled && (
        <Badge variant="outline" size="xs">
          {t("admin.users.twoFaShort")}
        </Badge>
      )}
    </Group>
  );
}
