// Users: every account, searched by e-mail and nick, filtered by group and status, sorted and
// paged by the server; create, edit, ban or unban, and delete several at once.
import { ActionIcon, Anchor, Badge, Button, Group, Text, Tooltip } from "@mantine/core";
import { IconBan, IconCircleCheck, IconPencil, IconPlus } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "../../../../api/client";
import { notifyError } from "../../../../lib/errors";
import { formatBytes, formatDate } from "../../../../lib/format";
import { AdminList, type BatchAction, type Column, type FilterField } from "../../AdminList";
import { type AdminUser, listUsers, useAllGroups } from "../../api";
import { ConfirmModal } from "../../ConfirmModal";
import { UserDialog } from "./UserDialog";
import { isBanned, saveUser, USER_STATUSES } from "./users";

export default function UsersPage() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const groups = useAllGroups();
  const [editing, setEditing] = useState<AdminUser | "new" | null>(null);
  const [banning, setBanning] = useState<AdminUser | null>(null);

  const groupName = (id: number) => groups.data?.find((g) => g.id === id)?.name ?? `#${id}`;
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["admin", "users"] });

  const filters: FilterField[] = [
    { key: "user_email", label: t("admin.users.email"), kind: "search" },
    { key: "user_nick", label: t("admin.users.nick"), kind: "search" },
    {
      key: "user_group",
      label: t("admin.users.group"),
      type: "select",
      options: (groups.data ?? []).map((g) => ({ value: String(g.id), label: g.name })),
    },
    {
      key: "user_status",
      label: t("admin.users.status"),
      type: "select",
      options: USER_STATUSES.map((s) => ({ value: s, label: t(`admin.users.statuses.${s}`) })),
    },
  ];

  const columns: Column<AdminUser>[] = [
    { key: "id", label: t("admin.users.id"), sort: "id", render: (u) => u.id, numeric: true },
    {
      key: "email",
      label: t("admin.users.email"),
      sort: "email",
      render: (u) => (
        <Anchor component="button" type="button" size="sm" onClick={() => setEditing(u)}>
          {u.email}
        </Anchor>
      ),
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
      render: (u) => (
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
      ),
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
        <Text size="sm" title={formatDate(u.created_at, i18n.language)}>
          {new Date(u.created_at).toLocaleDateString(i18n.language, { dateStyle: "medium" })}
        </Text>
      ),
    },
  ];

  const batchActions: BatchAction<AdminUser>[] = [
    {
      key: "delete",
      label: t("admin.users.delete"),
      confirmLabel: t("admin.users.deleteConfirm"),
      danger: true,
      describe: (rows) => (
        <Text size="sm">{t("admin.users.deleteWhat", { count: rows.length })}</Text>
      ),
      run: async (rows) => {
        await unwrap(
          api.POST("/admin/user/batch/delete", { body: { ids: rows.map((r) => r.id) } }),
        );
      },
    },
  ];

  return (
    <>
      <AdminList<AdminUser>
        id="users"
        title={t("admin.nav.users")}
        fetchPage={listUsers}
        columns={columns}
        rowKey={(u) => u.id}
        rowName={(u) => `${u.email} (${u.nick})`}
        filters={filters}
        batchActions={batchActions}
        defaultOrder={{ by: "id", direction: "asc" }}
        toolbar={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing("new")}>
            {t("admin.users.create")}
          </Button>
        }
        rowActions={(u) => (
          <>
            <Tooltip label={t("admin.users.edit")}>
              <ActionIcon
                variant="subtle"
                aria-label={t("admin.users.editNamed", { name: u.email })}
                onClick={() => setEditing(u)}
              >
                <IconPencil size={16} />
              </ActionIcon>
            </Tooltip>
            {isBanned(u.status) ? (
              <Tooltip label={t("admin.users.unban")}>
                <ActionIcon
                  variant="subtle"
                  color="green"
                  aria-label={t("admin.users.unbanNamed", { name: u.email })}
                  onClick={async () => {
                    try {
                      await saveUser(u, { status: "active" });
                      await refresh();
                    } catch (e) {
                      notifyError(e);
                    }
                  }}
                >
                  <IconCircleCheck size={16} />
                </ActionIcon>
              </Tooltip>
            ) : (
              <Tooltip label={t("admin.users.ban")}>
                <ActionIcon
                  variant="subtle"
                  color="red"
                  aria-label={t("admin.users.banNamed", { name: u.email })}
                  onClick={() => setBanning(u)}
                >
                  <IconBan size={16} />
                </ActionIcon>
              </Tooltip>
            )}
          </>
        )}
      />
      {editing && (
        <UserDialog
          user={editing === "new" ? null : editing}
          groups={groups.data ?? []}
          onClose={() => setEditing(null)}
          onSaved={refresh}
        />
      )}
      {banning && (
        <ConfirmModal
          title={t("admin.users.banTitle", { name: banning.email })}
          confirmLabel={t("admin.users.ban")}
          danger
          onClose={() => setBanning(null)}
          onConfirm={async () => {
            await saveUser(banning, { status: "manual_banned" });
            await refresh();
          }}
        >
          <Text size="sm">{t("admin.users.banWhat")}</Text>
        </ConfirmModal>
      )}
    </>
  );
}
