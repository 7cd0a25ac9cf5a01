// The master's downloader: aria2's JSON-RPC address, secret, download folder and extra options
// (`settings.aria2`, like Cloudreve), with a test that asks aria2 for its version with the
// form's values, unsaved.
import {
  Button,
  Code,
  Fieldset,
  Group,
  PasswordInput,
  Stack,
  Text,
  Textarea,
  TextInput,
} from "@mantine/core";
import { IconDownload } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { NodeOutcome } from "./NodeOutcome";
import type { NodeForm } from "./useNodeForm";

export function NodeDownloader(props: { form: NodeForm }) {
  const { t } = useTranslation();
  const { aria2, problems, setField, busy, downloader } = props.form;
  const [showToken, setShowToken] = useState(false);
  return (
    <Fieldset legend={t("admin.nodes.aria2.title")}>
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t("admin.nodes.aria2.hint")} <Code>--enable-rpc --rpc-secret=…</Code>
        </Text>
        <TextInput
          label={t("admin.nodes.aria2.server")}
          description={t("admin.nodes.aria2.serverHint")}
          placeholder="http://127.0.0.1:6800/jsonrpc"
          value={aria2.server}
          error={problems.aria2Server}
          onChange={(e) => setField("server", e.currentTarget.value)}
        />
        <PasswordInput
          label={t("admin.nodes.aria2.token")}
          description={t("admin.nodes.aria2.tokenHint")}
          autoComplete="new-password"
          value={aria2.token}
          visible={showToken}
          onVisibilityChange={setShowToken}
          onChange={(e) => setField("token", e.currentTarget.value)}
        />
        <TextInput
          label={t("admin.nodes.aria2.tempPath")}
          description={t("admin.nodes.aria2.tempPathHint")}
          placeholder="/var/lib/aria2/downloads"
          value={aria2.tempPath}
          onChange={(e) => setField("tempPath", e.currentTarget.value)}
        />
        <Textarea
          label={t("admin.nodes.aria2.options")}
          description={t("admin.nodes.aria2.optionsHint")}
          placeholder={'{"max-connection-per-server": "4"}'}
          autosize
          minRows={2}
          maxRows={10}
          spellCheck={false}
          styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
          value={aria2.options}
          error={problems.aria2Options}
          onChange={(e) => setField("options", e.currentTarget.value)}
        />
        <Group>
          <Button
            variant="light"
            leftSection={<IconDownload size={16} />}
            loading={busy === "downloader"}
            disabled={busy === "save"}
            onClick={() => void props.form.testAria2()}
          >
            {t("admin.nodes.aria2.test")}
          </Button>
        </Group>
        {downloader && <NodeOutcome outcome={downloader} testId="downloader-outcome" />}
      </Stack>
    </Fieldset>
  );
}
