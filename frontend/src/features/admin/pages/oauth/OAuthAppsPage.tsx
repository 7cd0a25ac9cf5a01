// OAuth apps (spec 4.18 §2.13): the apps that may ask users for access to their accounts, searched
// by name and filtered by whether they are enabled. The system apps (the official desktop and
// iOS clients, whose ids and secrets those clients carry) are marked and cannot be deleted.
import {
  ActionIcon,
  Anchor,
  Badge,
  Button,
  Group,
  Modal,
  Stack,
  Text,
  Tooltip,
} from "@mantine/core";
import { IconPencil, IconPlus, IconTrash } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { AppIcon } from "../../../../components/oauth/AppIcon";
import { appName } from "../../../../components/oauth/appName";
import { formatDate } from "../../../../lib/format";
import { AdminList, type BatchAction, type Column, type FilterField } from "../../AdminList";
import { ConfirmModal } from "../../ConfirmModal";
import { ClientDialog } from "./ClientDialog";
import { Endpoints } from "./Endpoints";
import {
  CLIENTS_LIST,
  deleteClient,
  deleteClients,
  listClients,
  type OAuthClient,
} from "./oauthClientsApi";

export default function OAuthAppsPage() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<OAuthClient | "new" | null>(null);
  const [deleting, setDeleting] = useState<OAuthClient | null>(null);
  const [revealed, setRevealed] = useState<{ client: OAuthClient; secret: string } | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["admin", CLIENTS_LIST] });

  const filters: FilterField[] = [
    { key: "name", label: t("oauth.admin.name"), kind: "search" },
    {
      key: "is_enabled",
      label: t("oauth.admin.enabled"),
      type: "select",
      options: [
        { value: "true", label: t("oauth.admin.on") },
        { value: "false", label: t("oauth.admin.off") },
      ],
    },
  ];

  const columns: Column<OAuthClient>[] = [
    {
      key: "name",
      label: t("oauth.admin.name"),
      sort: "name",
      render: (c) => (
        <Group gap="xs" wrap="nowrap">
          <AppIcon src={c.props?.icon} size={28} />
          <Anchor component="button" type="button" size="sm" onClick={() => setEditing(c)}>
            {appName(c.name)}
          </Anchor>
          {c.is_system && (
            <Badge size="xs" variant="light" color="blue" miw="max-content">
              {t("oauth.admin.system")}
            </Badge>
          )}
        </Group>
      ),
    },
    {
      key: "guid",
      label: t("oauth.admin.clientId"),
      render: (c) => (
        <Tooltip label={c.guid}>
          <Text size="xs" ff="monospace" truncate maw={160}>
            {c.guid}
          </Text>
        </Tooltip>
      ),
    },
    {
      key: "scopes",
      label: t("oauth.admin.scopes"),
      render: (c) => (
        <Text size="xs" ff="monospace" lineClamp={2} maw={260}>
          {(c.scopes ?? []).join(" ")}
        </Text>
      ),
    },
    {
      key: "is_enabled",
      label: t("oauth.admin.enabled"),
      sort: "is_enabled",
      render: (c) => (
        <Badge variant="dot" color={c.is_enabled ? "green" : "gray"} miw="max-content">
          {t(c.is_enabled ? "oauth.admin.on" : "oauth.admin.off")}
        </Badge>
      ),
    },
    {
      key: "created_at",
      label: t("oauth.admin.created"),
      sort: "created_at",
      render: (c) => <Text size="sm">{formatDate(c.created_at, i18n.language)}</Text>,
    },
  ];

  const batchActions: BatchAction<OAuthClient>[] = [
    {
      key: "delete",
      label: t("oauth.admin.delete"),
      confirmLabel: t("oauth.admin.delete"),
      danger: true,
      describe: (rows) => {
        const system = rows.filter((r) => r.is_system).length;
        return (
          <Stack gap="xs">
            <Text size="sm">{t("oauth.admin.batchDelete", { count: rows.length - system })}</Text>
            {system > 0 && (
              <Text size="sm" c="dimmed">
                {t("oauth.admin.batchSkipsSystem", { count: system })}
              </Text>
            )}
          </Stack>
        );
      },
      run: async (rows) => {
        await deleteClients(rows.filter((r) => !r.is_system).map((r) => r.id));
        await refresh();
      },
    },
  ];

  return (
    <>
      <AdminList<OAuthClient>
        id={CLIENTS_LIST}
        title={t("admin.nav.oauthApps")}
        fetchPage={listClients}
        columns={columns}
        filters={filters}
        batchActions={batchActions}
        rowKey={(c) => c.id}
        rowName={(c) => appName(c.name)}
        defaultOrder={{ by: "id", direction: "asc" }}
        toolbar={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing("new")}>
            {t("oauth.admin.create")}
          </Button>
        }
        rowActions={(c) => (
          <>
            <Tooltip label={t("oauth.admin.edit")}>
              <ActionIcon
                variant="subtle"
                aria-label={t("oauth.admin.editNamed", { name: appName(c.name) })}
                onClick={() => setEditing(c)}
              >
                <IconPencil size={16} />
              </ActionIcon>
            </Tooltip>
            <Tooltip label={c.is_system ? t("oauth.admin.systemKept") : t("oauth.admin.delete")}>
              <ActionIcon
                variant="subtle"
                color="red"
                disabled={c.is_system}
                aria-label={t("oauth.admin.deleteNamed", { name: appName(c.name) })}
                onClick={() => setDeleting(c)}
              >
                <IconTrash size={16} />
              </ActionIcon>
            </Tooltip>
          </>
        )}
      />
      {editing && (
        <ClientDialog
          editing={editing === "new" ? undefined : editing}
          onClose={() => setEditing(null)}
          onSaved={(client, secret) => {
            void refresh();
            if (secret) setRevealed({ client, secret });
          }}
        />
      )}
      {revealed && (
        <Modal
          opened
          size="lg"
          onClose={() => setRevealed(null)}
          title={t("oauth.admin.secretTitle", { name: appName(revealed.client.name) })}
        >
          <Stack>
            <Text size="sm">{t("oauth.admin.secretOnce")}</Text>
            <Endpoints clientId={revealed.client.guid} secret={revealed.secret} />
            <Group justify="flex-end">
              <Button onClick={() => setRevealed(null)}>{t("oauth.admin.secretDone")}</Button>
            </Group>
          </Stack>
        </Modal>
      )}
      {deleting && (
        <ConfirmModal
          title={t("oauth.admin.deleteTitle", { name: appName(deleting.name) })}
          confirmLabel={t("oauth.admin.delete")}
          danger
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await deleteClient(deleting.id);
            await refresh();
          }}
        >
          <Text size="sm">{t("oauth.admin.deleteWhat")}</Text>
        </ConfirmModal>
      )}
    </>
  );
}
