// Creating or editing a storage policy, per type. Saving runs the server's storage test (a
// test object written, read and deleted): a failure is shown as the server said it, and
// nothing is saved. The values and their checks are in policyValues.ts, the state and the save in
// usePolicyForm; each group of fields has a component of its own (the type, a remote policy's
// node, a bucket's endpoint and keys, the naming rules, the upload rules).
import { Alert, Button, Group, Modal, Stack, TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { PolicyBucketFields } from "./PolicyBucketFields";
import { PolicyNamingFields } from "./PolicyNamingFields";
import { PolicyNodeField } from "./PolicyNodeField";
import { PolicyRules } from "./PolicyRules";
import { PolicyTypeField } from "./PolicyTypeField";
import type { Policy } from "./policiesApi";
import { BUCKETS, type Form } from "./policyValues";
import { usePolicyForm } from "./usePolicyForm";

export function PolicyForm({
  opened,
  onClose,
  editing,
}: {
  opened: boolean;
  onClose: () => void;
  editing?: Policy;
}) {
  const { t } = useTranslation();
  const state = usePolicyForm({ editing, onClose });
  const { form, problems, failure, set } = state;
  const title = editing
    ? t("admin.policies.editTitle", { name: editing.name })
    : t("admin.policies.createTitle");

  return (
    <Modal opened={opened} onClose={onClose} title={title} size="lg">
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void state.save();
        }}
      >
        <Stack gap="sm">
          {!editing && <PolicyTypeField value={form.type} onChange={state.changeType} />}
          <TextInput label={t("admin.policies.name")} required {...state.text("name")} />
          {form.type === "remote" && <PolicyNodeField state={state} />}
          {BUCKETS.includes(form.type) && <PolicyBucketFields state={state} editing={!!editing} />}
          <PolicyNamingFields state={state} />
          <PolicyRules
            value={form}
            concurrencyError={problems.chunkConcurrency}
            onChange={(key, value) => set(key, value as Form[typeof key])}
          />
          {failure && (
            <Alert
              ref={state.failureRef}
              color="red"
              role="alert"
              title={t("admin.policies.notSaved")}
              style={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }}
            >
              {failure}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("common.cancel")}
            </Button>
            <Button type="submit" loading={state.saving}>
              {t("admin.policies.testAndSave")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
