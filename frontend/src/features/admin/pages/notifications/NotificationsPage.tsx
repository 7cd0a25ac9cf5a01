// Notification channels: where the site says that a backup failed (or completed), a target
// failed its test, or a node stopped or started answering. A saved channel can be tested; the
// delivery's error is shown as it came.
import {
  ActionIcon,
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Modal,
  Text,
  Tooltip,
} from "@mantine/core";
import { IconPencil, IconPlus, IconSend, IconTrash } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { AdminList, type Column } from "../../AdminList";
import { ConfirmModal } from "../../ConfirmModal";
import { serverWords } from "../backups/TargetDialog";
import { ChannelDialog } from "./ChannelDialog";
import {
  CHANNELS_LIST,
  type Channel,
  deleteChannel,
  listChannels,
  testSavedChannel,
} from "./channelsApi";

export default function NotificationsPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<Channel | "new" | null>(null);
  const [deleting, setDeleting] = useState<Channel | null>(null);
  const [testing, setTesting] = useState<number | null>(null);
  const [tested, setTested] = useState<{ name: string; ok: boolean; text: string } | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["admin", CHANNELS_LIST] });

  async function test(c: Channel) {
    setTesting(c.id);
    try {
      await testSavedChannel(c.id);
      setTested({ name: c.name, ok: true, text: t("admin.notify.testSent") });
    } catch (e) {
      setTested({ name: c.name, ok: false, text: serverWords(e) });
    } finally {
      setTesting(null);
    }
  }

  const where = (c: Channel) => {
    const s = (c.settings ?? {}) as { to?: unknown; url?: unknown };
    return c.type === "email" && Array.isArray(s.to) ? s.to.join(", ") : String(s.url ?? "");
  };

  const columns: Column<Channel>[] = [
    {
      key: "name",
      label: t("admin.notify.name"),
      sort: "name",
      render: (c) => (
        <Anchor component="button" type="button" size="sm" onClick={() => setEditing(c)}>
          {c.name}
        </Anchor>
      ),
    },
    {
      key: "type",
      label: t("admin.notify.type"),
      render: (c) => (
        <Badge miw="max-content" variant="light" color={c.type === "email" ? "teal" : "grape"}>
          {t(c.type === "email" ? "admin.notify.types.email" : "admin.notify.types.webhook")}
        </Badge>
      ),
    },
    {
      key: "where",
      label: t("admin.notify.where"),
      render: (c) => (
        <Text size="sm" truncate maw={280}>
          {where(c)}
        </Text>
      ),
    },
    {
      key: "events",
      label: t("admin.notify.events"),
      render: (c) => (
        <Group gap={4} maw={360}>
          {c.events.map((e) => (
            <Badge key={e} size="xs" variant="outline" miw="max-content">
              {t(`admin.notify.eventNames.${e}` as "admin.notify.eventNames.node_up")}
            </Badge>
          ))}
        </Group>
      ),
    },
    {
      key: "enabled",
      label: t("admin.notify.enabled"),
      render: (c) => (
        <Badge variant="dot" color={c.enabled ? "green" : "gray"} miw="max-content">
          {t(c.enabled ? "admin.notify.on" : "admin.notify.off")}
        </Badge>
      ),
    },
  ];

  return (
    <>
      <AdminList<Channel>
        id={CHANNELS_LIST}
        title={t("admin.nav.notifications")}
        fetchPage={listChannels}
        columns={columns}
        rowKey={(c) => c.id}
        rowName={(c) => c.name}
        defaultOrder={{ by: "id", direction: "asc" }}
        toolbar={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing("new")}>
            {t("admin.notify.create")}
          </Button>
        }
        rowActions={(c) => (
          <>
            <Tooltip label={t("admin.notify.test")}>
              <ActionIcon
                variant="subtle"
                loading={testing === c.id}
                aria-label={t("admin.notify.testNamed", { name: c.name })}
                onClick={() => void test(c)}
              >
                <IconSend size={16} />
              </ActionIcon>
            </Tooltip>
            <Tooltip label={t("admin.backup.edit")}>
              <ActionIcon
                variant="subtle"
                aria-label={t("admin.backup.editNamed", { name: c.name })}
                onClick={() => setEditing(c)}
              >
                <IconPencil size={16} />
              </ActionIcon>
            </Tooltip>
            <Tooltip label={t("admin.backup.delete")}>
              <ActionIcon
                variant="subtle"
                color="red"
                aria-label={t("admin.backup.deleteNamed", { name: c.name })}
                onClick={() => setDeleting(c)}
              >
                <IconTrash size={16} />
              </ActionIcon>
            </Tooltip>
          </>
        )}
      />
      {editing && (
        <ChannelDialog
          editing={editing === "new" ? undefined : editing}
          onClose={() => setEditing(null)}
          onSaved={() => void refresh()}
        />
      )}
      {tested && (
        <Modal
          opened
          onClose={() => setTested(null)}
          title={t("admin.notify.testTitle", { name: tested.name })}
        >
          <Alert
            color={tested.ok ? "green" : "red"}
            role={tested.ok ? "status" : "alert"}
            title={tested.ok ? undefined : t("admin.notify.failed")}
          >
            <Text size="sm" style={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }}>
              {tested.text}
            </Text>
          </Alert>
        </Modal>
      )}
      {deleting && (
        <ConfirmModal
          title={t("admin.notify.deleteTitle", { name: deleting.name })}
          confirmLabel={t("admin.backup.delete")}
          danger
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await deleteChannel(deleting.id);
            await refresh();
          }}
        >
          <Text size="sm">{t("admin.notify.deleteWhat")}</Text>
        </ConfirmModal>
      )}
    </>
  );
}
