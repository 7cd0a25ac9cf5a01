// Groups: each with its quota, speed limit, storage policy and whether it administers the site;
// create, edit and delete (the server refuses to delete a group in use, and says why).
import { ActionIcon, Anchor, Badge, Button, Text, Tooltip } from "@mantine/core";
import { IconPencil, IconPlus, IconTrash } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "../../../../api/client";
import { decodeBoolset } from "../../../../lib/boolset";
import { formatBytes } from "../../../../lib/format";
import { AdminList, type Column } from "../../AdminList";
import { type AdminGroup, listGroups } from "../../api";
import { ConfirmModal } from "../../ConfirmModal";
import { GroupDialog } from "./GroupDialog";

export default function GroupsPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<AdminGroup | "new" | null>(null);
  const [deleting, setDeleting] = useState<AdminGroup | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["admin", "groups"] });

  const columns: Column<AdminGroup>[] = [
    { key: "id", label: t("admin.groups.id"), sort: "id", numeric: true, render: (g) => g.id },
    {
      key: "name",
      label: t("admin.groups.name"),
      sort: "name",
      render: (g) => (
        <Anchor component="button" type="button" size="sm" onClick={() => setEditing(g)}>
          {g.name}
        </Anchor>
      ),
    },
    {
      key: "role",
      label: t("admin.groups.role"),
      render: (g) => {
        const bits = decodeBoolset(g.permissions);
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
      },
    },
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

  return (
    <>
      <AdminList<AdminGroup>
        id="groups"
        title={t("admin.nav.groups")}
        fetchPage={listGroups}
        columns={columns}
        rowKey={(g) => g.id}
        rowName={(g) => g.name}
        defaultOrder={{ by: "id", direction: "asc" }}
        toolbar={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing("new")}>
            {t("admin.groups.create")}
          </Button>
        }
        rowActions={(g) => (
          <>
            <Tooltip label={t("admin.groups.edit")}>
              <ActionIcon
                variant="subtle"
                aria-label={t("admin.groups.editNamed", { name: g.name })}
                onClick={() => setEditing(g)}
              >
                <IconPencil size={16} />
              </ActionIcon>
            </Tooltip>
            <Tooltip label={t("admin.groups.delete")}>
              <ActionIcon
                variant="subtle"
                color="red"
                aria-label={t("admin.groups.deleteNamed", { name: g.name })}
                onClick={() => setDeleting(g)}
              >
                <IconTrash size={16} />
              </ActionIcon>
            </Tooltip>
          </>
        )}
      />
      {editing && (
        <GroupDialog
          groupId={editing === "new" ? null : editing.id}
          onClose={() => setEditing(null)}
          onSaved={refresh}
        />
      )}
      {deleting && (
        <ConfirmModal
          title={t("admin.groups.deleteTitle", { name: deleting.name })}
          confirmLabel={t("admin.groups.delete")}
          danger
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await unwrap(
              api.DELETE("/admin/group/{id}", { params: { path: { id: deleting.id } } }),
            );
            await refresh();
          }}
        >
          <Text size="sm">{t("admin.groups.deleteWhat")}</Text>
        </ConfirmModal>
      )}
    </>
  );
}
