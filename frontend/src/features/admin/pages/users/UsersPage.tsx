// Users: every account, searched by e-mail and nick, filtered by group and status, sorted and
// paged by the server; create, edit, ban or unban, and delete several at once.
import { Text } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import type { BatchAction } from "../../AdminList";
import { type AdminUser, listUsers, useAllGroups } from "../../api";
import { EditableList } from "../../EditableList";
import { BanAction } from "./BanAction";
import { UserDialog } from "./UserDialog";
import { userColumns, userFilters } from "./userColumns";
import { deleteUsers } from "./usersApi";

export default function UsersPage() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const groups = useAllGroups();
  const groupName = (id: number) => groups.data?.find((g) => g.id === id)?.name ?? `#${id}`;
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["admin", "users"] });

  const batchActions: BatchAction<AdminUser>[] = [
    {
      key: "delete",
      label: t("admin.users.delete"),
      confirmLabel: t("admin.users.deleteConfirm"),
      danger: true,
      describe: (rows) => (
        <Text size="sm">{t("admin.users.deleteWhat", { count: rows.length })}</Text>
      ),
      run: (rows) => deleteUsers(rows.map((r) => r.id)),
    },
  ];

  return (
    <EditableList<AdminUser>
      id="users"
      title={t("admin.nav.users")}
      fetchPage={listUsers}
      columns={(open) => userColumns({ t, language: i18n.language, groupName, open })}
      rowKey={(u) => u.id}
      rowName={(u) => `${u.email} (${u.nick})`}
      filters={userFilters(t, groups.data ?? [])}
      batchActions={batchActions}
      defaultOrder={{ by: "id", direction: "asc" }}
      createLabel={t("admin.users.create")}
      edit={{
        tip: t("admin.users.edit"),
        label: (u) => t("admin.users.editNamed", { name: u.email }),
      }}
      after={(u) => <BanAction user={u} refresh={refresh} />}
      dialog={(user, close, saved) => (
        <UserDialog
          user={user ?? null}
          groups={groups.data ?? []}
          onClose={close}
          onSaved={saved}
        />
      )}
    />
  );
}
