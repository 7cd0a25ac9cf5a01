// Files: every user's files and folders, by name, owner and storage policy; the owner opens on
// the users page, a file downloads through the admin URL, and several are deleted at once.
import { Badge, Group, Text } from "@mantine/core";
import { IconFile, IconFolder } from "@tabler/icons-react";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { formatBytes, formatDate } from "../../../../lib/format";
import { AdminList, type BatchAction, type Column, type FilterField } from "../../AdminList";
import { DownloadButton, OwnerLink, PolicyName, usePolicyOptions } from "./common";
import { type AdminFile, deleteFiles, fileUrl, listFiles } from "./storageApi";

export default function FilesPage() {
  const { t, i18n } = useTranslation();
  const policyOptions = usePolicyOptions();

  const filters: FilterField[] = [
    { key: "file_name", label: t("admin.files.name"), kind: "search" },
    { key: "file_user", label: t("admin.files.ownerId") },
    { key: "file_policy", label: t("admin.files.policy"), type: "select", options: policyOptions },
  ];

  const columns = fileColumns(t, i18n.language);

  const batchActions: BatchAction<AdminFile>[] = [
    {
      key: "delete",
      label: t("admin.files.delete"),
      confirmLabel: t("admin.files.deleteConfirm"),
      danger: true,
      describe: (rows) => t("admin.files.deleteBody", { count: rows.length }),
      run: (rows) => deleteFiles(rows.map((r) => r.id)),
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
            url={() => fileUrl(f.id)}
          />
        )
      }
    />
  );
}

function fileColumns(t: TFunction, language: string): Column<AdminFile>[] {
  return [
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
      render: (f) => formatDate(f.created_at, language),
    },
  ];
}
