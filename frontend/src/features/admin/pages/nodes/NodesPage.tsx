// Nodes: this server (the master) and the slave nodes `remote` storage policies keep their
// files on; create and edit (saved only once the node test passed) and delete, which the
// server refuses for the master and for a node a policy uses — with its reason.
import { ActionIcon, Anchor, Badge, Button, Text, Tooltip } from "@mantine/core";
import { IconPencil, IconPlus, IconTrash } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { AdminList, type Column } from "../../AdminList";
import { ConfirmModal } from "../../ConfirmModal";
import { NodeDialog } from "./NodeDialog";
import { type AdminNode, deleteNode, listNodes, NODES_LIST } from "./nodesApi";

export default function NodesPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<AdminNode | "new" | null>(null);
  const [deleting, setDeleting] = useState<AdminNode | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["admin", NODES_LIST] });
  const isMaster = (n: AdminNode) => n.type === "master";

  const columns: Column<AdminNode>[] = [
    { key: "id", label: t("admin.nodes.id"), sort: "id", numeric: true, render: (n) => n.id },
    {
      key: "name",
      label: t("admin.nodes.name"),
      sort: "name",
      render: (n) => (
        <Anchor component="button" type="button" size="sm" onClick={() => setEditing(n)}>
          {n.name}
        </Anchor>
      ),
    },
    {
      key: "type",
      label: t("admin.nodes.type"),
      render: (n) => (
        <Badge miw="max-content" variant="dot" color={isMaster(n) ? "grape" : "blue"}>
          {t(isMaster(n) ? "admin.nodes.master" : "admin.nodes.slave")}
        </Badge>
      ),
    },
    {
      key: "server",
      label: t("admin.nodes.server"),
      render: (n) =>
        isMaster(n) ? (
          <Text size="sm" c="dimmed">
            {t("admin.nodes.thisServer")}
          </Text>
        ) : (
          <Text size="sm" truncate maw={320}>
            {n.server}
          </Text>
        ),
    },
    {
      key: "status",
      label: t("admin.nodes.status"),
      render: (n) => (
        <Badge miw="max-content" variant="dot" color={n.status === "active" ? "green" : "gray"}>
          {t(n.status === "active" ? "admin.nodes.active" : "admin.nodes.suspended")}
        </Badge>
      ),
    },
  ];

  return (
    <>
      <AdminList<AdminNode>
        id={NODES_LIST}
        title={t("admin.nav.nodes")}
        fetchPage={listNodes}
        columns={columns}
        rowKey={(n) => n.id}
        rowName={(n) => n.name}
        defaultOrder={{ by: "id", direction: "asc" }}
        toolbar={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing("new")}>
            {t("admin.nodes.create")}
          </Button>
        }
        rowActions={(n) => (
          <>
            <Tooltip label={t("admin.nodes.edit")}>
              <ActionIcon
                variant="subtle"
                aria-label={t("admin.nodes.editNamed", { name: n.name })}
                onClick={() => setEditing(n)}
              >
                <IconPencil size={16} />
              </ActionIcon>
            </Tooltip>
            {!isMaster(n) && (
              <Tooltip label={t("admin.nodes.delete")}>
                <ActionIcon
                  variant="subtle"
                  color="red"
                  aria-label={t("admin.nodes.deleteNamed", { name: n.name })}
                  onClick={() => setDeleting(n)}
                >
                  <IconTrash size={16} />
                </ActionIcon>
              </Tooltip>
            )}
          </>
        )}
      />
      {editing && (
        <NodeDialog
          editing={editing === "new" ? undefined : editing}
          onClose={() => setEditing(null)}
          onSaved={refresh}
        />
      )}
      {deleting && (
        <ConfirmModal
          title={t("admin.nodes.deleteTitle", { name: deleting.name })}
          confirmLabel={t("admin.nodes.delete")}
          danger
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await deleteNode(deleting.id);
            await refresh();
          }}
        >
          <Text size="sm">{t("admin.nodes.deleteWhat")}</Text>
        </ConfirmModal>
      )}
    </>
  );
}
