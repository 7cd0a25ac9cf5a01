// A slave's connection: its address, the shared secret (write-only: left empty on an edit, the
// stored one stays; "Generate" makes a random one to give the node as well) and whether it is
// active.
import { Button, CopyButton, Group, PasswordInput, Switch, TextInput } from "@mantine/core";
import { IconCheck, IconCopy, IconKey } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { generateSecret } from "./nodesApi";
import type { NodeForm } from "./useNodeForm";

export function NodeConnection(props: { form: NodeForm; editing: boolean }) {
  const { t } = useTranslation();
  const { server, setServer, secret, setSecret, problems, setProblems } = props.form;
  const [showSecret, setShowSecret] = useState(false);
  const { editing } = props;
  return (
    <>
      <TextInput
        label={t("admin.nodes.server")}
        description={t("admin.nodes.serverHint")}
        placeholder="https://node1.example.com"
        required
        value={server}
        error={problems.server}
        onChange={(e) => setServer(e.currentTarget.value)}
      />
      <PasswordInput
        label={t("admin.nodes.secret")}
        description={editing ? t("admin.nodes.secretKeep") : t("admin.nodes.secretHint")}
        required={!editing}
        autoComplete="new-password"
        value={secret}
        visible={showSecret}
        onVisibilityChange={setShowSecret}
        error={problems.secret}
        onChange={(e) => setSecret(e.currentTarget.value)}
      />
      <Group gap="xs">
        <Button
          variant="default"
          size="xs"
          leftSection={<IconKey size={14} />}
          onClick={() => {
            setSecret(generateSecret());
            setShowSecret(true);
            setProblems(({ secret: _, ...rest }) => rest);
          }}
        >
          {t("admin.nodes.generate")}
        </Button>
        {secret && <CopySecret secret={secret} />}
      </Group>
      <Switch
        label={t("admin.nodes.activeLabel")}
        description={t("admin.nodes.activeHint")}
        checked={props.form.active}
        onChange={(e) => props.form.setActive(e.currentTarget.checked)}
      />
    </>
  );
}

function CopySecret(props: { secret: string }) {
  const { t } = useTranslation();
  return (
    <CopyButton value={props.secret}>
      {({ copied, copy }) => (
        <Button
          variant="default"
          size="xs"
          leftSection={copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
          onClick={copy}
        >
          {t(copied ? "admin.nodes.copied" : "admin.nodes.copy")}
        </Button>
      )}
    </CopyButton>
  );
}
