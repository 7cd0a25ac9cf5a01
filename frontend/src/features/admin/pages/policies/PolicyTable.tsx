// The storage policies' table: id, name (the default one marked), type, where its blobs are
// kept, how many and how large, and the row's buttons (CORS for buckets, edit, delete).
import { Badge, Group, Paper, Table, Text, VisuallyHidden } from "@mantine/core";
import { IconPencil, IconTrash, IconWorld } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { formatBytes } from "../../../../lib/format";
import { RowAction } from "../../list/RowAction";
import { useAllNodes } from "../nodes/nodesApi";
import type { Policy } from "./policiesApi";

const DEFAULT_POLICY = 1;

type Props = {
  policies: Policy[];
  onCors: (p: Policy) => void;
  onEdit: (p: Policy) => void;
  onDelete: (p: Policy) => void;
};

export function PolicyTable(props: Props) {
  const { t } = useTranslation();
  return (
    <Paper withBorder>
      <Table.ScrollContainer minWidth={640}>
        <Table highlightOnHover verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("admin.policies.id")}</Table.Th>
              <Table.Th>{t("admin.policies.name")}</Table.Th>
              <Table.Th>{t("admin.policies.type")}</Table.Th>
              <Table.Th>{t("admin.policies.where")}</Table.Th>
              <Table.Th ta="right">{t("admin.policies.blobs")}</Table.Th>
              <Table.Th ta="right">{t("admin.policies.size")}</Table.Th>
              <Table.Th>
                <VisuallyHidden>{t("admin.policies.actions")}</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {props.policies.map((p) => (
              <PolicyRow key={p.id} policy={p} {...props} />
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}

function PolicyRow({ policy: p, ...props }: Props & { policy: Policy }) {
  const { t } = useTranslation();
  const where = useWhere();
  return (
    <Table.Tr data-testid={`policy-${p.id}`}>
      <Table.Td>{p.id}</Table.Td>
      <Table.Td>
        <Group gap="xs" wrap="nowrap">
          <Text size="sm">{p.name}</Text>
          {p.id === DEFAULT_POLICY && (
            <Badge size="xs" variant="light">
              {t("admin.policies.default")}
            </Badge>
          )}
        </Group>
      </Table.Td>
      <Table.Td>{t(`admin.policies.types.${p.type}` as "admin.policies.types.local")}</Table.Td>
      <Table.Td>
        <Text size="sm" c="dimmed" truncate maw={260}>
          {where(p)}
        </Text>
      </Table.Td>
      <Table.Td ta="right">{p.entities_count ?? "–"}</Table.Td>
      <Table.Td ta="right">
        {p.entities_size === undefined ? "–" : formatBytes(p.entities_size)}
      </Table.Td>
      <Table.Td>
        <Group gap={4} justify="flex-end" wrap="nowrap">
          {(p.type === "s3" || p.type === "oss") && (
            <RowAction
              tip={t("admin.policies.cors")}
              label={t("admin.policies.corsFor", { name: p.name })}
              icon={IconWorld}
              iconSize={18}
              onClick={() => props.onCors(p)}
            />
          )}
          <RowAction
            tip={t("admin.policies.edit")}
            label={t("admin.policies.editFor", { name: p.name })}
            icon={IconPencil}
            iconSize={18}
            onClick={() => props.onEdit(p)}
          />
          <RowAction
            tip={t("admin.policies.delete")}
            label={t("admin.policies.deleteFor", { name: p.name })}
            icon={IconTrash}
            iconSize={18}
            color="red"
            onClick={() => props.onDelete(p)}
          />
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

/** Where a policy keeps its blobs: the bucket, the node and folder, or the folder. */
function useWhere() {
  const nodes = useAllNodes();
  return (p: Policy) => {
    if (p.type === "s3" || p.type === "oss") return `${p.server || "AWS"} / ${p.bucket_name}`;
    if (p.type === "remote") {
      const node = nodes.data?.find((n) => n.id === p.node_id);
      return `${node?.name ?? `#${p.node_id ?? "?"}`} / ${p.dir_name_rule}`;
    }
    return p.dir_name_rule;
  };
}
