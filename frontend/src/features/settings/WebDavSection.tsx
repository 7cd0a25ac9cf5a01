// WebDAV accounts: each a password for the user's e-mail, confined to a folder, read-only or
// not. Shows the mount address and ready-to-paste commands for rclone, Windows and macOS.
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Checkbox,
  Code,
  Group,
  Modal,
  Stack,
  Table,
  Tabs,
  Text,
  TextInput,
  VisuallyHidden,
} from "@mantine/core";
import { IconPencil, IconPlus, IconTrash } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Schemas } from "../../api/client";
import { useSession } from "../../api/session";
import { deleteDavAccount, saveDavAccount, useDavAccounts } from "../../api/webdav";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { CopyIcon } from "../../components/CopyIcon";
import { errorMessage } from "../../lib/errors";
import { useSubmit } from "../../lib/form";
import { MY_ROOT } from "../../lib/uri";
import { Section } from "./Section";

type DavAccount = Schemas["DavAccount"];

/** Boolset bit `bit` (base64 of little-endian bytes, spec §4.2). */
function bit(options: string, index: number): boolean {
  try {
    const bytes = atob(options);
    return ((bytes.charCodeAt(index >> 3) >> (index & 7)) & 1) === 1;
  } catch {
    return false;
  }
}

export function mountUrl(): string {
  return `${window.location.origin}/dav`;
}

/** Commands that mount the drive with one account, for each system. */
export function mountCommands(url: string, user: string, password: string) {
  const host = new URL(url);
  return {
    rclone: `rclone config create stratus webdav url=${url} vendor=other user=${user} pass=$(rclone obscure '${password}')`,
    windows: `net use Z: ${url} /user:${user} ${password} /persistent:yes`,
    macos: `mkdir -p ~/Stratus && mount_webdav -s ${host.protocol}//${encodeURIComponent(user)}@${host.host}/dav ~/Stratus`,
  };
}

export function WebDavSection() {
  const { t, i18n } = useTranslation();
  const [editing, setEditing] = useState<DavAccount | "new" | null>(null);
  const [deleting, setDeleting] = useState<DavAccount | null>(null);
  const [shown, setShown] = useState<DavAccount | null>(null);
  const accounts = useDavAccounts();
  const remove = deleteDavAccount;

  const list = accounts.data?.accounts ?? [];
  return (
    <Section id="webdav" title={t("settings.dav.title")} description={t("settings.dav.intro")}>
      <Group gap="xs" wrap="nowrap">
        <Text size="sm">{t("settings.dav.url")}</Text>
        <Code data-testid="dav-url">{mountUrl()}</Code>
        <CopyIcon
          value={mountUrl()}
          label={t("settings.dav.copyUrl")}
          variant="default"
          size="lg"
        />
      </Group>
      {accounts.isError && (
        <Alert color="red" role="alert">
          {errorMessage(accounts.error)}
        </Alert>
      )}
      {list.length === 0 ? (
        accounts.isSuccess && (
          <Text size="sm" c="dimmed">
            {t("settings.dav.none")}
          </Text>
        )
      ) : (
        <Table.ScrollContainer minWidth={520}>
          <Table aria-label={t("settings.dav.title")}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("settings.dav.name")}</Table.Th>
                <Table.Th>{t("settings.dav.folder")}</Table.Th>
                <Table.Th>{t("settings.dav.created")}</Table.Th>
                <Table.Th>
                  <VisuallyHidden>{t("share.col.actions")}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((account) => (
                <Table.Tr key={account.id}>
                  <Table.Td>
                    <Group gap={4}>
                      <Text size="sm">{account.name}</Text>
                      {bit(account.options, 0) && (
                        <Badge size="xs" variant="outline">
                          {t("settings.dav.readonly")}
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" truncate maw={220}>
                      {account.uri}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      {new Date(account.created_at).toLocaleDateString(i18n.language)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap" justify="flex-end">
                      <Button size="xs" variant="light" onClick={() => setShown(account)}>
                        {t("settings.dav.connect")}
                      </Button>
                      <ActionIcon
                        variant="subtle"
                        color="gray"
                        aria-label={t("settings.dav.editOf", { name: account.name })}
                        onClick={() => setEditing(account)}
                      >
                        <IconPencil size={16} />
                      </ActionIcon>
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        aria-label={t("settings.dav.deleteOf", { name: account.name })}
                        onClick={() => setDeleting(account)}
                      >
                        <IconTrash size={16} />
                      </ActionIcon>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Group>
        <Button
          variant="default"
          leftSection={<IconPlus size={16} />}
          onClick={() => setEditing("new")}
        >
          {t("settings.dav.add")}
        </Button>
      </Group>
      {editing && (
        <DavDialog
          account={editing === "new" ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={(account) => {
            setEditing(null);
            if (editing === "new") setShown(account);
          }}
        />
      )}
      {shown && <ConnectDialog account={shown} onClose={() => setShown(null)} />}
      {deleting && (
        <ConfirmDialog
          title={t("settings.dav.deleteTitle")}
          message={t("settings.dav.deleteBody", { name: deleting.name })}
          confirmLabel={t("settings.dav.delete")}
          onConfirm={() => remove(deleting.id)}
          onClose={() => setDeleting(null)}
        />
      )}
    </Section>
  );
}

function DavDialog({
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
  const [readonly, setReadonly] = useState(account ? bit(account.options, 0) : false);
  const [proxy, setProxy] = useState(account ? bit(account.options, 1) : false);
  const [noSysFiles, setNoSysFiles] = useState(account ? bit(account.options, 2) : false);

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
          <TextInput
            label={t("settings.dav.folder")}
            description={t("settings.dav.folderHint")}
            required
            value={uri}
            onChange={(e) => setUri(e.currentTarget.value)}
          />
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

function ConnectDialog({ account, onClose }: { account: DavAccount; onClose: () => void }) {
  const { t } = useTranslation();
  const email = useSession()?.user.email ?? "";
  const url = mountUrl();
  const commands = mountCommands(url, email, account.password);
  return (
    <Modal
      opened
      onClose={onClose}
      closeButtonProps={{ "aria-label": t("settings.close") }}
      centered
      size="lg"
      title={t("settings.dav.connectTitle", { name: account.name })}
    >
      <Stack gap="sm">
        <Field label={t("settings.dav.url")} value={url} />
        <Field label={t("settings.dav.user")} value={email} />
        <Field label={t("settings.dav.password")} value={account.password} testId="dav-password" />
        <Tabs defaultValue="rclone">
          <Tabs.List>
            <Tabs.Tab value="rclone">rclone</Tabs.Tab>
            <Tabs.Tab value="windows">Windows</Tabs.Tab>
            <Tabs.Tab value="macos">macOS</Tabs.Tab>
          </Tabs.List>
          {(Object.keys(commands) as (keyof typeof commands)[]).map((os) => (
            <Tabs.Panel key={os} value={os} pt="xs">
              <Group gap="xs" wrap="nowrap" align="start">
                <Code
                  block
                  style={{ flex: 1, whiteSpace: "pre-wrap", wordBreak: "break-all" }}
                  data-testid={`dav-command-${os}`}
                >
                  {commands[os]}
                </Code>
                <CopyIcon
                  value={commands[os]}
                  label={t("settings.dav.copyCommand")}
                  variant="default"
                  size="lg"
                />
              </Group>
            </Tabs.Panel>
          ))}
        </Tabs>
        <Group justify="flex-end">
          <Button onClick={onClose}>{t("share.done")}</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function Field({ label, value, testId }: { label: string; value: string; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Group gap="xs" wrap="nowrap" align="end">
      <TextInput
        style={{ flex: 1 }}
        label={label}
        value={value}
        readOnly
        data-testid={testId}
        onFocus={(e) => e.currentTarget.select()}
      />
      <CopyIcon
        value={value}
        label={t("settings.dav.copyOf", { what: label })}
        variant="default"
        size="lg"
      />
    </Group>
  );
}
