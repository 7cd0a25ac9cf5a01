// Makes a WebDAV account or changes one: its name, folder (picked like a move's destination)
// and options.
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
import { saveDavAccount } from "../../api/devices/webdav";
import { FolderPicker } from "../../components/FolderPicker";
import { useSubmit } from "../../lib/form";
import { MY_ROOT } from "../../lib/uri";
import { bit, type DavAccount, NO_SYS_FILES, PROXY, READONLY } from "./davAccounts";

export function DavDialog({
  account,
  onClose,
  onSaved,
}: {
  account: DavAccount | null;
  onClose: () => void;
  onSaved: (account: DavAccount) => void;
}) {
  const { t } = useTranslation();
  const [name, setName] = useState(account?.name ?? "");
  const [uri, setUri] = useState(account?.uri ?? MY_ROOT);
  const [readonly, setReadonly] = useState(account ? bit(account.options, READONLY) : false);
  const [proxy, setProxy] = useState(account ? bit(account.options, PROXY) : false);
  const [noSysFiles, setNoSysFiles] = useState(
    account ? bit(account.options, NO_SYS_FILES) : false,
  );

  const { busy, error, submit } = useSubmit(async () => {
    const body = {
      name: name.trim(),
      uri: uri.trim(),
      readonly,
      proxy,
      disable_sys_files: noSysFiles,
    };
    const saved = await saveDavAccount(account?.id, body);
    onSaved(saved);
  });

  return (
    <Modal
      opened
      onClose={onClose}
      closeButtonProps={{ "aria-label": t("settings.close") }}
      centered
      title={account ? t("settings.dav.editTitle") : t("settings.dav.addTitle")}
    >
      <form onSubmit={submit}>
        <Stack gap="sm">
          <TextInput
            label={t("settings.dav.name")}
            required
            maxLength={255}
            data-autofocus
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <DavFolder uri={uri} setUri={setUri} />
          <DavOptions
            readonly={[readonly, setReadonly]}
            proxy={[proxy, setProxy]}
            noSysFiles={[noSysFiles, setNoSysFiles]}
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
              {account ? t("settings.save") : t("common.create")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

const NOTHING_EXCLUDED = new Set<string>();

/** The folder the account sees, picked in the drive's folders; the path picked shows above. */
function DavFolder({ uri, setUri }: { uri: string; setUri: (uri: string) => void }) {
  const { t } = useTranslation();
  const shown = decodeURIComponent(uri.replace(/^cloudreve:\/\/my/, "") || "/");
  return (
    <Input.Wrapper label={t("settings.dav.folder")} description={t("settings.dav.folderPickHint")}>
      <Paper withBorder p="xs" mt={4}>
        <Text
          size="sm"
          fw={500}
          mb="xs"
          data-testid="dav-folder"
          style={{ overflowWrap: "anywhere" }}
        >
          {shown}
        </Text>
        <FolderPicker value={uri} onChange={setUri} excluded={NOTHING_EXCLUDED} height={180} />
      </Paper>
    </Input.Wrapper>
  );
}

type Flag = [boolean, (value: boolean) => void];

function DavOptions({
  readonly: [readonly, setReadonly],
  proxy: [proxy, setProxy],
  noSysFiles: [noSysFiles, setNoSysFiles],
}: {
  readonly: Flag;
  proxy: Flag;
  noSysFiles: Flag;
}) {
  const { t } = useTranslation();
  return (
    <>
      <Checkbox
        label={t("settings.dav.readonly")}
        checked={readonly}
        onChange={(e) => setReadonly(e.currentTarget.checked)}
      />
      <Checkbox
        label={t("settings.dav.proxy")}
        checked={proxy}
        onChange={(e) => setProxy(e.currentTarget.checked)}
      />
      <Checkbox
        label={t("settings.dav.noSysFiles")}
        description={t("settings.dav.noSysFilesHint")}
        checked={noSysFiles}
        onChange={(e) => setNoSysFiles(e.currentTarget.checked)}
      />
    </>
  );
}
