// The storage policies: each with the blobs it holds and their size; create (per type, tested
// before it is saved), edit, a CORS rule for S3 buckets, and delete, which the server refuses
// for the default policy and for one that holds blobs or that a group uses — with its reason.
import { Alert, Button, Center, Group, Loader, Modal, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconPlus } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../../../lib/errors";
import { serverWords } from "../../errors";
import { PolicyForm } from "./PolicyForm";
import { PolicyTable } from "./PolicyTable";
import { deletePolicy, POLICIES_QUERY, type Policy, putCors, usePolicies } from "./policiesApi";

export default function PoliciesPage() {
  const { t } = useTranslation();
  const policies = usePolicies();
  const [form, setForm] = useState<{ editing?: Policy; key: number } | null>(null);
  const [deleting, setDeleting] = useState<Policy | null>(null);
  const cors = useCors();

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
        <PolicyTable
          policies={policies.data}
          onCors={(p) => void cors(p)}
          onEdit={(p) => setForm({ editing: p, key: Date.now() })}
          onDelete={setDeleting}
        />
      )}
      {form && (
        <PolicyForm key={form.key} opened editing={form.editing} onClose={() => setForm(null)} />
      )}
      {deleting && <DeletePolicy policy={deleting} onClose={() => setDeleting(null)} />}
    </Stack>
  );
}

/** Puts the CORS rule the browser uploads need on a bucket, and says which origins it allows. */
function useCors() {
  const { t } = useTranslation();
  return async (p: Policy) => {
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
        message: serverWords(e),
      });
    }
  };
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
