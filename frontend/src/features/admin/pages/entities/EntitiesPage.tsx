// Blobs: the stored objects behind files (versions, thumbnails, live photos), by creator,
// policy and kind; download through the admin URL; delete only the unreferenced ones, unless
// forced — which unlinks them from the files that still use them, after a warning.
import { Badge, Text } from "@mantine/core";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { formatBytes, formatDate } from "../../../../lib/format";
import { AdminList, type BatchAction, type Column, type FilterField } from "../../AdminList";
import { DownloadButton, OwnerLink, PolicyName, usePolicyOptions } from "../files/common";
import { type AdminEntity, deleteEntities, entityUrl, listEntities } from "../files/storageApi";

const KINDS = ["0", "1", "2"] as const;
const ids = (rows: AdminEntity[]) => rows.map((r) => r.id);

export default function EntitiesPage() {
  const { t, i18n } = useTranslation();
  const policyOptions = usePolicyOptions();
  const kind = (type: number) => kindName(t, type);

  const filters: FilterField[] = [
    { key: "entity_user", label: t("admin.entities.creatorId") },
    {
      key: "entity_policy",
      label: t("admin.files.policy"),
      type: "select",
      options: policyOptions,
    },
    {
      key: "entity_type",
      label: t("admin.entities.kind"),
      type: "select",
      options: KINDS.map((k) => ({ value: k, label: kind(Number(k)) })),
    },
  ];

  const columns = entityColumns(t, i18n.language);

  const batchActions: BatchAction<AdminEntity>[] = [
    {
      key: "delete",
      label: t("admin.entities.delete"),
      confirmLabel: t("admin.entities.deleteConfirm"),
      danger: true,
      describe: (rows) => {
        const used = rows.filter((r) => r.reference_count > 0).length;
        return used > 0
          ? t("admin.entities.deleteBodyUsed", { count: rows.length, used })
          : t("admin.entities.deleteBody", { count: rows.length });
      },
      run: (rows) => deleteEntities(ids(rows), false),
    },
    {
      key: "force",
      label: t("admin.entities.forceDelete"),
      confirmLabel: t("admin.entities.forceConfirm"),
      danger: true,
      describe: (rows) => t("admin.entities.forceBody", { count: rows.length }),
      run: (rows) => deleteEntities(ids(rows), true),
    },
  ];

  return (
    <AdminList<AdminEntity>
      id="entities"
      title={t("admin.nav.entities")}
      fetchPage={listEntities}
      columns={columns}
      rowKey={(e) => e.id}
      rowName={(e) => `#${e.id} ${e.source}`}
      filters={filters}
      batchActions={batchActions}
      rowActions={(e) => (
        <DownloadButton
          label={t("admin.entities.downloadFor", { id: e.id })}
          url={() => entityUrl(e.id)}
        />
      )}
    />
  );
}

function kindName(t: TFunction, type: number) {
  return t(`admin.entities.kinds.${type}` as "admin.entities.kinds.0", {
    defaultValue: String(type),
  });
}

function entityColumns(t: TFunction, language: string): Column<AdminEntity>[] {
  const kind = (type: number) => kindName(t, type);
  return [
    { key: "id", label: t("admin.files.id"), sort: "id", render: (e) => e.id, numeric: true },
    { key: "kind", label: t("admin.entities.kind"), render: (e) => kind(e.type) },
    {
      key: "source",
      label: t("admin.entities.source"),
      render: (e) => (
        <Text size="sm" truncate maw={260} title={e.source} ff="monospace">
          {e.source}
        </Text>
      ),
    },
    {
      key: "size",
      label: t("admin.files.size"),
      sort: "size",
      numeric: true,
      render: (e) => formatBytes(e.size),
    },
    {
      key: "refs",
      label: t("admin.entities.references"),
      sort: "reference_count",
      numeric: true,
      render: (e) =>
        e.reference_count > 0 ? (
          e.reference_count
        ) : (
          <Badge size="xs" color="gray" variant="light">
            {t("admin.entities.unreferenced")}
          </Badge>
        ),
    },
    {
      key: "creator",
      label: t("admin.entities.creator"),
      render: (e) => <OwnerLink owner={e.edges.user} fallbackId={e.created_by} />,
    },
    {
      key: "policy",
      label: t("admin.files.policy"),
      render: (e) => <PolicyName id={e.storage_policy_entities} />,
    },
    {
      key: "created",
      label: t("admin.files.created"),
      sort: "created_at",
      render: (e) => formatDate(e.created_at, language),
    },
  ];
}
