// The storage policies: each with the blobs it holds and their size; create (per type, tested
// before it is saved), edit, a CORS rule for S3 buckets, and delete, which the server refuses
// for the default policy and for one that holds blobs or that a group uses — with its reason.
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Center,
  Group,
  Loader,
  Modal,
  Paper,
  Stack,
  Table,
  Text,
  Tooltip,
  VisuallyHidden,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconPencil, IconPlus, IconTrash, IconWorld } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../../../api/client";
import { errorMessage } from "../../../../lib/errors";
import { formatBytes } from "../../../../lib/format";
import { useAllNodes } from "../nodes/nodesApi";
import { PolicyForm } from "./PolicyForm";
import { deletePolicy, POLICIES_QUERY, type Policy, putCors, usePolicies } from "./policiesApi";

const DEFAULT_POLICY = 1;

export default function PoliciesPage() {
  const { t } = useTranslation();
  const policies = usePolicies();
  const [form, setForm] = useState<{ editing?: Policy; key: number } | null>(null);
  const [deleting, setDeleting] = useState<Policy | null>(null);
  const nodes = useAllNodes();
  const where = (p: Policy) => {
    if (p.type === "s3" || p.type === "oss") return `${p.server || "AWS"} / ${p.bucket_name}`;
    if (p.type === "remote") {
      const node = nodes.data?.find((n) => n.id === p.node_id);
      return `${node?.name ?? `#${p.node_id ?? "?"}`} / ${p.dir_name_rule}`;
    }
    return p.dir_name_rule;
  };

  async function cors(p: Policy) {
    try {
      const origins = await putCors({ id: p.id, name: p.name, type: p.type });
      notifications.show({
        color: "green",
        message: t("admin.policies.corsDone", { origins: origins.join(", ") }),
      });
    } catch (e) {
      notifications.show({
        color: "red",
        title: t("admin.policies.corsFailed"),
        message: e instanceof ApiError && e.message ? e.message : errorMessage(e),
      });
    }
  }

  return (
    <Stack gap="md" pb="xl">
      <Group justify="flex-end">
        <Button leftSection={<IconPlus size={16} />} onClick={() => setForm({ key: Date.now() })}>
          {t("admin.policies.create")}
        </Button>
      </Group>
      {policies.isPending ? (
        <Center>
          <Loader aria-label={t("admin.policies.loading")} />
        </Center>
      ) : policies.isError ? (
        <Alert color="red" role="alert">
          {errorMessage(policies.error)}
        </Alert>
      ) : (
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
                {policies.data.map((p) => (
                  <Table.Tr key={p.id} data-testid={`policy-${p.id}`}>
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
                    <Table.Td>
                      {t(`admin.policies.types.${p.type}` as "admin.policies.types.local")}
                    </Table.Td>
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
                          <Tooltip label={t("admin.policies.cors")}>
                            <ActionIcon
                              variant="subtle"
                              aria-label={t("admin.policies.corsFor", { name: p.name })}
                              onClick={() => void cors(p)}
                            >
                              <IconWorld size={18} />
                            </ActionIcon>
                          </Tooltip>
                        )}
                        <Tooltip label={t("admin.policies.edit")}>
                          <ActionIcon
                            variant="subtle"
                            aria-label={t("admin.policies.editFor", { name: p.name })}
                            onClick={() => setForm({ editing: p, key: Date.now() })}
                          >
                            <IconPencil size={18} />
                          </ActionIcon>
                        </Tooltip>
                        <Tooltip label={t("admin.policies.delete")}>
                          <ActionIcon
                            variant="subtle"
                            color="red"
                            aria-label={t("admin.policies.deleteFor", { name: p.name })}
                            onClick={() => setDeleting(p)}
                          >
                            <IconTrash size={18} />
                          </ActionIcon>
                        </Tooltip>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
      {form && (
        <PolicyForm key={form.key} opened editing={form.editing} onClose={() => setForm(null)} />
      )}
      {deleting && <DeletePolicy policy={deleting} onClose={() => setDeleting(null)} />}
    </Stack>
  );
}

function DeletePolicy({ policy, onClose }: { policy: Policy; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [refusal, setRefusal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function confirm() {
    setBusy(true);
    setRefusal(null);
    try {
      await deletePolicy(policy.id);
      await queryClient.invalidateQueries({ queryKey: POLICIES_QUERY });
      onClose();
    } catch (e) {
      setRefusal(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal opened onClose={onClose} title={t("admin.policies.deleteTitle", { name: policy.name })}>
      <Stack gap="sm">
        <Text size="sm">{t("admin.policies.deleteBody")}</Text>
        {refusal && (
          <Alert color="red" role="alert" title={t("admin.policies.deleteRefused")}>
            {refusal}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t("common.cancel")}
          </Button>
          <Button color="red" loading={busy} onClick={() => void confirm()}>
            {t("admin.policies.delete")}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
