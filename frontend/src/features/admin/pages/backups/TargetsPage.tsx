// Backup targets: where backups are written (a local folder, a bucket or a slave node). Each
// row shows what Stratus backups hold on it; a saved target can be tested (the server's words
// shown as they are), starred as the favourite, edited, and deleted, which the server refuses
// while a task writes to it, with its reason.
import { ActionIcon, Alert, Anchor, Badge, Button, Modal, Text, Tooltip } from "@mantine/core";
import {
  IconPencil,
  IconPlugConnected,
  IconPlus,
  IconStar,
  IconStarFilled,
  IconTrash,
} from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { formatBytes } from "../../../../lib/format";
import { AdminList, type Column } from "../../AdminList";
import { ConfirmModal } from "../../ConfirmModal";
import {
  type BackupTarget,
  deleteTarget,
  listTargets,
  starTarget,
  TARGETS_LIST,
  testSavedTarget,
  useTargetUsage,
} from "./backupApi";
import { serverWords, TARGET_TYPES, TargetDialog } from "./TargetDialog";

function Usage({ id }: { id: number }) {
  const { t } = useTranslation();
  const usage = useTargetUsage(id);
  if (usage.isPending) return <Text size="sm">…</Text>;
  if (usage.isError)
    return (
      <Text size="sm" c="red">
        {t("admin.backup.targets.usageFailed")}
      </Text>
    );
  const { used, free } = usage.data;
  return (
    <Text size="sm">
      {free == null
        ? formatBytes(used)
        : t("admin.backup.targets.usedFree", { used: formatBytes(used), free: formatBytes(free) })}
    </Text>
  );
}

export default function TargetsPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<BackupTarget | "new" | null>(null);
  const [deleting, setDeleting] = useState<BackupTarget | null>(null);
  const [tested, setTested] = useState<{ name: string; ok: boolean; text: string } | null>(null);
  const [testing, setTesting] = useState<number | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["admin", TARGETS_LIST] });
  const typeLabel = (type: string) =>
    TARGET_TYPES.includes(type as "local")
      ? t(`admin.backup.targets.types.${type}` as "admin.backup.targets.types.local")
      : type;

  async function test(target: BackupTarget) {
    setTesting(target.id);
    try {
      const said = await testSavedTarget(target.id);
      setTested({
        name: target.name,
        ok: true,
        text: said || t("admin.backup.targets.testPassed"),
      });
    } catch (e) {
      setTested({ name: target.name, ok: false, text: serverWords(e) });
    } finally {
      setTesting(null);
    }
  }

  const columns: Column<BackupTarget>[] = [
    {
      key: "starred",
      label: t("admin.backup.targets.starred"),
      sort: "starred",
      render: (target) => (
        <Tooltip
          label={t(target.starred ? "admin.backup.targets.unstar" : "admin.backup.targets.star")}
        >
          <ActionIcon
            variant="subtle"
            color="yellow"
            aria-pressed={target.starred}
            aria-label={t("admin.backup.targets.starNamed", { name: target.name })}
            onClick={async () => {
              await starTarget(target.id, !target.starred);
              await refresh();
            }}
          >
            {target.starred ? <IconStarFilled size={16} /> : <IconStar size={16} />}
          </ActionIcon>
        </Tooltip>
      ),
    },
    {
      key: "name",
      label: t("admin.backup.targets.name"),
      sort: "name",
      render: (target) => (
        <Anchor component="button" type="button" size="sm" onClick={() => setEditing(target)}>
          {target.name}
        </Anchor>
      ),
    },
    {
      key: "type",
      label: t("admin.backup.targets.type"),
      sort: "type",
      render: (target) => (
        <Badge miw="max-content" variant="light">
          {typeLabel(target.type)}
        </Badge>
      ),
    },
    {
      key: "usage",
      label: t("admin.backup.targets.usage"),
      render: (target) => <Usage id={target.id} />,
    },
  ];

  return (
    <>
      <AdminList<BackupTarget>
        id={TARGETS_LIST}
        title={t("admin.nav.backupTargets")}
        fetchPage={listTargets}
        columns={columns}
        rowKey={(target) => target.id}
        rowName={(target) => target.name}
        defaultOrder={{ by: "id", direction: "asc" }}
        filters={[
          { key: "name", label: t("admin.backup.targets.name"), kind: "search" },
          {
            key: "type",
            label: t("admin.backup.targets.type"),
            type: "select",
            options: TARGET_TYPES.map((type) => ({ value: type, label: typeLabel(type) })),
          },
        ]}
        toolbar={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing("new")}>
            {t("admin.backup.targets.create")}
          </Button>
        }
        rowActions={(target) => (
          <>
            <Tooltip label={t("admin.backup.targets.test")}>
              <ActionIcon
                variant="subtle"
                loading={testing === target.id}
                aria-label={t("admin.backup.targets.testNamed", { name: target.name })}
                onClick={() => void test(target)}
              >
                <IconPlugConnected size={16} />
              </ActionIcon>
            </Tooltip>
            <Tooltip label={t("admin.backup.edit")}>
              <ActionIcon
                variant="subtle"
                aria-label={t("admin.backup.editNamed", { name: target.name })}
                onClick={() => setEditing(target)}
              >
                <IconPencil size={16} />
              </ActionIcon>
            </Tooltip>
            <Tooltip label={t("admin.backup.delete")}>
              <ActionIcon
                variant="subtle"
                color="red"
                aria-label={t("admin.backup.deleteNamed", { name: target.name })}
                onClick={() => setDeleting(target)}
              >
                <IconTrash size={16} />
              </ActionIcon>
            </Tooltip>
          </>
        )}
      />
      {editing && (
        <TargetDialog
          editing={editing === "new" ? undefined : editing}
          onClose={() => setEditing(null)}
          onSaved={() => void refresh()}
        />
      )}
      {tested && (
        <Modal
          opened
          onClose={() => setTested(null)}
          title={t("admin.backup.targets.testTitle", { name: tested.name })}
        >
          <Alert
            color={tested.ok ? "green" : "red"}
            role={tested.ok ? "status" : "alert"}
            title={tested.ok ? t("admin.backup.targets.testOk") : t("admin.backup.targets.failed")}
          >
            <Text size="sm" style={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }}>
              {tested.text}
            </Text>
          </Alert>
        </Modal>
      )}
      {deleting && (
        <ConfirmModal
          title={t("admin.backup.targets.deleteTitle", { name: deleting.name })}
          confirmLabel={t("admin.backup.delete")}
          danger
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await deleteTarget(deleting.id);
            await refresh();
          }}
        >
          <Text size="sm">{t("admin.backup.targets.deleteWhat")}</Text>
        </ConfirmModal>
      )}
    </>
  );
}
