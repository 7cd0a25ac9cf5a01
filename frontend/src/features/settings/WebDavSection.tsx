// WebDAV accounts: each a password for the user's e-mail, confined to a folder, read-only or
// not. Shows the mount address and ready-to-paste commands for rclone, Windows and macOS
// (DavConnectDialog.tsx); an account is made or changed in DavDialog.tsx. A user whose group
// has no WebDAV is told so in a plain sentence, without the address or the button.
import { Alert, Button, Code, Group, Text } from "@mantine/core";
import { IconPlus } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../api/client";
import { deleteDavAccount, useDavAccounts } from "../../api/devices/webdav";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { CopyIcon } from "../../components/CopyIcon";
import { errorMessage } from "../../lib/errors";
import { DavAccountsTable } from "./DavAccountsTable";
import { ConnectDialog } from "./DavConnectDialog";
import { DavDialog } from "./DavDialog";
import { type DavAccount, mountUrl } from "./davAccounts";
import { Section } from "./Section";

/** The answer to a group without the WebDAV permission. */
const GROUP_NOT_ALLOWED = 40007;

export function WebDavSection() {
  const { t } = useTranslation();
  const [editing, setEditing] = useState<DavAccount | "new" | null>(null);
  const [deleting, setDeleting] = useState<DavAccount | null>(null);
  const [shown, setShown] = useState<DavAccount | null>(null);
  const accounts = useDavAccounts();

  const list = accounts.data?.accounts ?? [];
  if (accounts.error instanceof ApiError && accounts.error.code === GROUP_NOT_ALLOWED) {
    return (
      <Section id="webdav" title={t("settings.dav.title")} description={t("settings.dav.intro")}>
        <Text size="sm" data-testid="dav-unavailable">
          {t("settings.dav.unavailable")}
        </Text>
      </Section>
    );
  }
  return (
    <Section id="webdav" title={t("settings.dav.title")} description={t("settings.dav.intro")}>
      <MountUrl />
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
        <DavAccountsTable
          accounts={list}
          connect={setShown}
          edit={setEditing}
          remove={setDeleting}
        />
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
          onConfirm={() => deleteDavAccount(deleting.id)}
          onClose={() => setDeleting(null)}
        />
      )}
    </Section>
  );
}

function MountUrl() {
  const { t } = useTranslation();
  return (
    <Group gap="xs" wrap="nowrap">
      <Text size="sm">{t("settings.dav.url")}</Text>
      <Code data-testid="dav-url">{mountUrl()}</Code>
      <CopyIcon value={mountUrl()} label={t("settings.dav.copyUrl")} variant="default" size="lg" />
    </Group>
  );
}
