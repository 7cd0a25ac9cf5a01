// Shares: every share link, by owner, file or id; the link itself, its views and downloads,
// the owner (opening the users page), and several deleted at once — their links stop working.
import { Anchor, Badge, Group, Text } from "@mantine/core";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { formatDate } from "../../../../lib/format";
import { AdminList, type BatchAction, type Column, type FilterField } from "../../AdminList";
import { OwnerLink } from "../files/common";
import { type AdminShare, deleteShares, listShares } from "../files/storageApi";

export default function SharesPage() {
  const { t, i18n } = useTranslation();

  const filters: FilterField[] = [
    { key: "share_user_id", label: t("admin.shares.ownerId") },
    { key: "share_file_id", label: t("admin.shares.fileId") },
    { key: "share_id", label: t("admin.shares.ids") },
  ];

  const columns = shareColumns(t, i18n.language);

  const batchActions: BatchAction<AdminShare>[] = [
    {
      key: "delete",
      label: t("admin.shares.delete"),
      confirmLabel: t("admin.shares.deleteConfirm"),
      danger: true,
      describe: (rows) => t("admin.shares.deleteBody", { count: rows.length }),
      run: (rows) => deleteShares(rows.map((r) => r.id)),
    },
  ];

  return (
    <AdminList<AdminShare>
      id="shares"
      title={t("admin.nav.shares")}
      fetchPage={listShares}
      columns={columns}
      rowKey={(s) => s.id}
      rowName={(s) => s.edges.file?.name ?? `#${s.id}`}
      filters={filters}
      batchActions={batchActions}
    />
  );
}

function shareColumns(t: TFunction, language: string): Column<AdminShare>[] {
  return [
    { key: "id", label: t("admin.files.id"), sort: "id", render: (s) => s.id, numeric: true },
    {
      key: "file",
      label: t("admin.shares.file"),
      render: (s) => (
        <Group gap={6} wrap="nowrap">
          <Text size="sm" truncate maw={220}>
            {s.edges.file?.name ?? t("admin.shares.fileGone")}
          </Text>
          {s.password && (
            <Badge size="xs" variant="light">
              {t("admin.shares.password")}
            </Badge>
          )}
        </Group>
      ),
    },
    {
      key: "link",
      label: t("admin.shares.link"),
      render: (s) =>
        s.share_link ? (
          <Anchor href={s.share_link} target="_blank" rel="noreferrer" size="sm" truncate maw={220}>
            {s.share_link}
          </Anchor>
        ) : (
          "–"
        ),
    },
    {
      key: "views",
      label: t("admin.shares.views"),
      sort: "views",
      numeric: true,
      render: (s) => s.views,
    },
    {
      key: "downloads",
      label: t("admin.shares.downloads"),
      sort: "downloads",
      numeric: true,
      render: (s) => s.downloads,
    },
    {
      key: "expires",
      label: t("admin.shares.expires"),
      render: (s) => (s.expires ? formatDate(s.expires, language) : t("admin.shares.never")),
    },
    {
      key: "owner",
      label: t("admin.files.owner"),
      render: (s) => <OwnerLink owner={s.edges.user} />,
    },
    {
      key: "created",
      label: t("admin.files.created"),
      sort: "created_at",
      render: (s) => formatDate(s.created_at, language),
    },
  ];
}
