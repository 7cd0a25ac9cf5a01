// Makes an S3 key: its name, folder (picked like a WebDAV account's) and whether it may only
// read. Once made, the same dialog shows the endpoint, the access key and the secret, each
// with a copy button: the secret is not shown again.
import {
  Alert,
  Button,
  Checkbox,
  Group,
  Input,
  Modal,
  Paper,
  Stack,
  Text,
  TextInput,
} from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { createS3Key, type S3Key } from "../../api/devices/s3Keys";
import { CopyIcon } from "../../components/CopyIcon";
import { FolderPicker } from "../../components/FolderPicker";
import { useSubmit } from "../../lib/form";
import { MY_ROOT } from "../../lib/uri";

const NOTHING_EXCLUDED = new Set<string>();

/** A `cloudreve://my/...` URI as the path it names. */
export function folderOf(uri: string) {
  return decodeURIComponent(uri.replace(/^cloudreve:\/\/my/, "") || "/");
}

export function S3KeyDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const [made, setMade] = useState<S3Key | null>(null);
  return (
    <Modal
      opened
      onClose={onClose}
      closeButtonProps={{ "aria-label": t("settings.close") }}
      centered
      size="lg"
      title={made ? t("settings.s3.madeTitle") : t("settings.s3.addTitle")}
    >
      {made ? (
        <MadeKey made={made} onClose={onClose} />
      ) : (
        <KeyForm onClose={onClose} onMade={setMade} />
      )}
    </Modal>
  );
}

function KeyForm({ onClose, onMade }: { onClose: () => void; onMade: (key: S3Key) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState("");
  const [uri, setUri] = useState(MY_ROOT);
  const [readonly, setReadonly] = useState(false);
  const { busy, error, submit } = useSubmit(async () => {
    onMade(await createS3Key({ name: name.trim(), uri, readonly }));
  });
  return (
    <form onSubmit={submit}>
      <Stack gap="sm">
        <TextInput
          label={t("settings.s3.name")}
          required
          maxLength={255}
          data-autofocus
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
        />
        <Input.Wrapper label={t("settings.s3.folder")} description={t("settings.s3.folderHint")}>
          <Paper withBorder p="xs" mt={4}>
            <Text
              size="sm"
              fw={500}
              mb="xs"
              data-testid="s3-folder"
              style={{ overflowWrap: "anywhere" }}
            >
              {folderOf(uri)}
            </Text>
            <FolderPicker value={uri} onChange={setUri} excluded={NOTHING_EXCLUDED} height={180} />
          </Paper>
        </Input.Wrapper>
        <Checkbox
          label={t("settings.s3.readonlyOption")}
          checked={readonly}
          onChange={(e) => setReadonly(e.currentTarget.checked)}
        />
        {error && (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t("common.cancel")}
          </Button>
          <Button type="submit" loading={busy}>
            {t("common.create")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function MadeKey({ made, onClose }: { made: S3Key; onClose: () => void }) {
  const { t } = useTranslation();
  const rows: [string, string][] = [
    [t("settings.s3.endpoint"), made.endpoint ?? t("settings.s3.endpointOff")],
    [t("settings.s3.accessKey"), made.access_key_id],
    [t("settings.s3.secretKey"), made.secret_access_key ?? ""],
  ];
  return (
    <Stack gap="sm">
      <Alert color="yellow">{t("settings.s3.secretOnce")}</Alert>
      {rows.map(([label, value]) => (
        <div key={label}>
          <Text size="sm" fw={500}>
            {label}
          </Text>
          <Group gap="xs" wrap="nowrap">
            <Text
              size="sm"
              ff="monospace"
              data-testid="s3-made-value"
              style={{ overflowWrap: "anywhere" }}
            >
              {value}
            </Text>
            <CopyIcon
              value={value}
              label={t("settings.s3.copyOf", { what: label })}
              variant="subtle"
            />
          </Group>
        </div>
      ))}
      <Text size="sm" c="dimmed">
        {t("settings.s3.bucketsHint", { folder: folderOf(made.uri) })}
      </Text>
      <Group justify="flex-end">
        <Button onClick={onClose}>{t("settings.s3.done")}</Button>
      </Group>
    </Stack>
  );
}
