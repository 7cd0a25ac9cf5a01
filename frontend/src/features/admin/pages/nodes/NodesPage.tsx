// Nodes: this server (the master) and the slave nodes `remote` storage policies keep their
// files on; create and edit (saved only once the node test passed) and delete, which the
// server refuses for the master and for a node a policy uses — with its reason.
import { Text } from "@mantine/core";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import type { Column } from "../../AdminList";
import { EditableList } from "../../EditableList";
import { NameLink, StatusDot } from "../../list/RowAction";
import { NodeDialog } from "./NodeDialog";
import { type AdminNode, deleteNode, listNodes, NODES_LIST } from "./nodesApi";

const isMaster = (n: AdminNode) => n.type === "master";

export default function NodesPage() {
  const { t } = useTranslation();
  return (
    <EditableList<AdminNode>
      id={NODES_LIST}
      title={t("admin.nav.nodes")}
      fetchPage={listNodes}
      columns={(open) => nodeColumns(t, open)}
      rowKey={(n) => n.id}
      rowName={(n) => n.name}
      defaultOrder={{ by: "id", direction: "asc" }}
      createLabel={t("admin.nodes.create")}
      edit={{
        tip: t("admin.nodes.edit"),
        label: (n) => t("admin.nodes.editNamed", { name: n.name }),
      }}
      remove={{
        tip: t("admin.nodes.delete"),
        label: (n) => t("admin.nodes.deleteNamed", { name: n.name }),
        title: (n) => t("admin.nodes.deleteTitle", { name: n.name }),
        what: t("admin.nodes.deleteWhat"),
        run: (n) => deleteNode(n.id),
        kept: (n) => (isMaster(n) ? true : undefined),
      }}
      dialog={(node, close, saved) => <NodeDialog editing={node} onClose={close} onSaved={saved} />}
    />
  );
}

function nodeColumns(t: TFunction, open: (n: AdminNode) => void): Column<AdminNode>[] {
  return [
    { key: "id", label: t("admin.nodes.id"), sort: "id", numeric: true, render: (n) => n.id },
    {
      key: "name",
      label: t("admin.nodes.name"),
      sort: "name",
      render: (n) => <NameLink onClick={() => open(n)}>{n.name}</NameLink>,
    },
    {
      key: "type",
      label: t("admin.nodes.type"),
      render: (n) => (
        <StatusDot color={isMaster(n) ? "grape" : "blue"}>
          {t(isMaster(n) ? "admin.nodes.master" : "admin.nodes.slave")}
        </StatusDot>
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
        <StatusDot color={n.status === "active" ? "green" : "gray"}>
          {t(n.status === "active" ? "admin.nodes.active" : "admin.nodes.suspended")}
        </StatusDot>
      ),
    },
  ];
}
