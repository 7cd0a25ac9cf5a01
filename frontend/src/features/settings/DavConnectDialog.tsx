// How to connect with one WebDAV account: the address, user and password to copy, and the
// commands that mount the drive on each system (on Linux three ways, each said in words).
import { Button, Code, Group, Modal, Stack, Tabs, Text, TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useSession } from "../../api/session";
import { CopyIcon } from "../../components/CopyIcon";
import {
  type DavAccount,
  type LinuxMount,
  linuxMounts,
  mountCommands,
  mountUrl,
} from "./davAccounts";

export function ConnectDialog({ account, onClose }: { account: DavAccount; onClose: () => void }) {
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
            <Tabs.Tab value="linux">Linux</Tabs.Tab>
          </Tabs.List>
          {(Object.keys(commands) as (keyof typeof commands)[]).map((os) => (
            <Tabs.Panel key={os} value={os} pt="xs">
              <Command command={commands[os]} testId={`dav-command-${os}`} />
            </Tabs.Panel>
          ))}
          <Tabs.Panel value="linux" pt="xs">
            <Linux url={url} />
          </Tabs.Panel>
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

/** Linux: davfs2, GNOME Files and rclone, each with a sentence saying when and how. */
function Linux({ url }: { url: string }) {
  const { t } = useTranslation();
  const mounts = linuxMounts(url);
  return (
    <Stack gap="sm">
      {(Object.keys(mounts) as LinuxMount[]).map((way) => (
        <Stack key={way} gap={4}>
          <Text size="sm">{t(`settings.dav.linux.${way}` as "settings.dav.linux.davfs2")}</Text>
          <Command command={mounts[way]} testId={`dav-command-linux-${way}`} />
        </Stack>
      ))}
    </Stack>
  );
}

function Command({ command, testId }: { command: string; testId: string }) {
  const { t } = useTranslation();
  return (
    <Group gap="xs" wrap="nowrap" align="start">
      <Code
        block
        style={{ flex: 1, whiteSpace: "pre-wrap", wordBreak: "break-all" }}
        data-testid={testId}
      >
        {command}
      </Code>
      <CopyIcon value={command} label={t("settings.dav.copyCommand")} variant="default" size="lg" />
    </Group>
  );
}
