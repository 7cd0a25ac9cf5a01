// How to connect with one WebDAV account: the address, user and password to copy, and the
// commands that mount the drive on each system.
import { Button, Code, Group, Modal, Stack, Tabs, TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useSession } from "../../api/session";
import { CopyIcon } from "../../components/CopyIcon";
import { type DavAccount, mountCommands, mountUrl } from "./davAccounts";

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
