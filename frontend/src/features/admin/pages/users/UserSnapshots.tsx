// One account's snapshots in the user dialog: name, folder, time, files and the bytes only each
// keeps alive, newest first, with delete (after a question). The first 50 are shown; the count
// and the bytes cover them all.
import { Button, Group, Stack, Table, Text } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Schemas } from "../../../../api/client";
import { readablePath } from "../../../../api/tasks/tasks";
import { formatBytes, formatDate } from "../../../../lib/format";
import { ConfirmModal } from "../../ConfirmModal";
import { deleteSnapshot, useUserDetail, useUserSnapshots } from "./usersApi";

type AdminSnapshot = Schemas["AdminSnapshot"];

export function UserSnapshots({ userId }: { userId: number }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [deleting, setDeleting] = useState<AdminSnapshot | null>(null);
  const list = useUserSnapshots(userId);
  const detail = useUserDetail(userId);
  const rows = list.data?.snapshots ?? [];

  return (
    <Stack gap={4}>
      <Text size="sm" fw={500}>
        {t("admin.users.snapshots")}
      </Text>
      <Text size="sm" c="dimmed" data-testid="user-snapshots-summary">
        {t(SUMMARY, {
          count: detail.data?.snapshots ?? list.data?.pagination.total_items ?? rows.length,
          size: formatBytes(detail.data?.snapshot_bytes ?? 0),
        })}
      </Text>
      {rows.length > 0 && <SnapshotTable rows={rows} onDelete={setDeleting} />}
      {deleting && (
        <ConfirmModal
          title={t("admin.users.snapshotDeleteTitle")}
          confirmLabel={t("admin.users.snapshotDelete")}
          danger
          onConfirm={async () => {
            await deleteSnapshot(deleting.id);
            await queryClient.invalidateQueries({ queryKey: ["admin", "snapshots", userId] });
            await queryClient.invalidateQueries({ queryKey: ["admin", "user", userId] });
          }}
          onClose={() => setDeleting(null)}
        >
          <Text size="sm">
            {t("admin.users.snapshotDeleteBody", {
              name: deleting.name,
              size: formatBytes(deleting.exclusive_size),
            })}
          </Text>
        </ConfirmModal>
      )}
    </Stack>
  );
}

/** Plural: `admin.users.snapshotsSummary_one` and `_other`, chosen by `count`. */
const SUMMARY = "admin.users.snapshotsSummary";

function SnapshotTable(props: { rows: AdminSnapshot[]; onDelete: (s: AdminSnapshot) => void }) {
  const { t, i18n } = useTranslation();
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table fz="sm" verticalSpacing={4} style={{ whiteSpace: "nowrap" }}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("admin.users.snapshotName")}</Table.Th>
            <Table.Th>{t("admin.users.snapshotFolder")}</Table.Th>
            <Table.Th>{t("admin.users.snapshotTime")}</Table.Th>
            <Table.Th ta="right">{t("admin.users.snapshotFiles")}</Table.Th>
            <Table.Th ta="right">{t("admin.users.snapshotExclusive")}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {props.rows.map((s) => (
            <Table.Tr key={s.id} data-testid="user-snapshot">
              <Table.Td>{s.name}</Table.Td>
              <Table.Td>{readablePath(s.uri)}</Table.Td>
              <Table.Td>{formatDate(s.created_at, i18n.language)}</Table.Td>
              <Table.Td ta="right">{s.files}</Table.Td>
              <Table.Td ta="right">{formatBytes(s.exclusive_size)}</Table.Td>
              <Table.Td>
                <Group justify="flex-end">
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    color="red"
                    onClick={() => props.onDelete(s)}
                  >
                    {t("admin.users.snapshotDelete")}
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
