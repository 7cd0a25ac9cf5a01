// Creating or editing a node. A slave is saved only once the node test passed (the master asks
// the node, signed with its secret, to ping the site back); "Test" runs the same test without
// saving. Refusals are shown as the server said them. The slave's address and secret are in
// NodeConnection; the master's dialog holds instead its downloader (NodeDownloader). The state,
// checks and requests are useNodeForm's.
import { Button, Group, Modal, Stack, TextInput } from "@mantine/core";
import { IconPlugConnected } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { NodeConnection } from "./NodeConnection";
import { NodeDownloader } from "./NodeDownloader";
import { NodeOutcome } from "./NodeOutcome";
import type { AdminNode } from "./nodesApi";
import { type NodeForm, useNodeForm } from "./useNodeForm";

export function NodeDialog(props: {
  editing?: AdminNode;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const { editing } = props;
  const master = editing?.type === "master";
  const form = useNodeForm(props);
  const title = editing
    ? t("admin.nodes.editTitle", { name: editing.name })
    : t("admin.nodes.createTitle");

  return (
    <Modal opened onClose={props.onClose} title={title} size="lg">
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void form.run("save");
        }}
      >
        <Stack gap="sm">
          <TextInput
            label={t("admin.nodes.name")}
            required
            value={form.name}
            error={form.problems.name}
            onChange={(e) => form.setName(e.currentTarget.value)}
          />
          {master && <NodeDownloader form={form} />}
          {!master && <NodeConnection form={form} editing={!!editing} />}
          {form.outcome && <NodeOutcome outcome={form.outcome} />}
          <NodeButtons form={form} master={master} onClose={props.onClose} />
        </Stack>
      </form>
    </Modal>
  );
}

function NodeButtons(props: { form: NodeForm; master: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { busy, run } = props.form;
  return (
    <Group justify="flex-end">
      <Button variant="default" onClick={props.onClose}>
        {t("common.cancel")}
      </Button>
      {!props.master && (
        <Button
          variant="light"
          leftSection={<IconPlugConnected size={16} />}
          loading={busy === "test"}
          disabled={busy === "save"}
          onClick={() => void run("test")}
        >
          {t("admin.nodes.test")}
        </Button>
      )}
      <Button
        type="submit"
        loading={busy === "save"}
        disabled={busy === "test" || busy === "downloader"}
      >
        {t(props.master ? "admin.save" : "admin.nodes.testAndSave")}
      </Button>
    </Group>
  );
}
