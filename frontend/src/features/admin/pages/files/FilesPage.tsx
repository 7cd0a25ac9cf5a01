// Files: every user's files and folders, by name, owner and storage policy; the owner opens on
// the users page, a file downloads through the admin URL, and several are deleted at once.
import { Badge, Group, Text } from "@mantine/core";
import { IconFile, IconFolder } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { api, type Schemas, unwrap } from "../../../../api/client";
import { formatBytes, formatDate } from "../../../../lib/format";
import {
  AdminList,
  type AdminListRequest,
  type BatchAction,
  type Column,
  type FilterField,
} from "../../AdminList";
import { DownloadButton, OwnerLink, PolicyName, usePolicyOptions } from "./common";

export type AdminFile = Schemas["AdminFile"];

async function listFiles(request: AdminListRequest) {
  const page = await unwrap(api.POST("/admin/file", { body: request }));
  return { rows: page.files, total: page.pagination.total_items ?? 0 };
}

export default function FilesPage() {
  const { t, i18n } = useTranslation();
  const policyOptions = usePolicyOptions();

  const filters: FilterField[] = [
    { key: "file_name", label: t("admin.files.name"), kind: "search" },
    { key: "file_user", label: t("admin.files.ownerId") },
    { key: "file_policy", label: t("admin.files.policy"), type: "select", options: policyOptions },
  ];

  const columns: Column<AdminFile>[] = [
    { key: "id", label: t("admin.files.id"), sort: "id", render: (f) => f.id, numeric: true },
    {
      key: "name",
      label: t("admin.files.name"),
      sort: "name",
      render: (f) => (
        <Group gap={6} wrap="nowrap">
          {f.type === 1 ? <IconFolder size={16} /> : <IconFile size={16} />}
          {f.name ? (
            <Text size="sm" truncate maw={280}>
              {f.name}
            </Text>
          ) : (
            <Text size="sm" c="dimmed">
              {t("admin.files.root")}
            </Text>
          )}
          {f.is_symbolic && (
            <Badge size="xs" variant="light">
              {t("admin.files.symbolic")}
            </Badge>
          )}
        </Group>
      ),
    },
    {
      key: "size",
      label: t("admin.files.size"),
      sort: "size",
      numeric: true,
      render: (f) => (f.type === 1 ? "–" : formatBytes(f.size)),
    },
    {
      key: "owner",
      label: t("admin.files.owner"),
      render: (f) => <OwnerLink owner={f.edges.owner} fallbackId={f.owner_id} />,
    },
    {
      key: "policy",
      label: t("admin.files.policy"),
      render: (f) => <PolicyName id={f.storage_policy_files} />,
    },
    {
      key: "created",
      label: t("admin.files.created"),
      sort: "created_at",
      render: (f) => formatDate(f.created_at, i18n.language),
    },
  ];

  const batchActions: BatchAction<AdminFile>[] = [
    {
      key: "delete",
      label: t("admin.files.delete"),
      confirmLabel: t("admin.files.deleteConfirm"),
      danger: true,
      describe: (rows) => t("admin.files.deleteBody", { count: rows.length }),
      run: async (rows) => {
        await unwrap(
          api.POST("/admin/file/batch/delete", { body: { ids: rows.map((r) => r.id) } }),
        );
      },
    },
  ];

  return (
    <AdminList<AdminFile>
      id="files"
      title={t("admin.nav.files")}
      fetchPage={listFiles}
      columns={columns}
      rowKey={(f) => f.id}
      rowName={(f) => f.name || t("admin.files.root")}
      filters={filters}
      batchActions={batchActions}
      rowActions={(f) =>
        f.type === 1 ? null : (
          <DownloadButton
            label={t("admin.files.downloadFor", { name: f.name })}
            url={() => unwrap(api.GET("/admin/file/url/{id}", { params: { path: { id: f.id } } }))}
          />
        )
      }
    />
  );
}
