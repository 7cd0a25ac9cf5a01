// Creating or editing a share: password, expiry (presets or a date), download limit, the
// owner's folder view, the folder's README on the share page, or an upload-only folder with a
// size cap; then the link, with a copy button. Sharing a new item also offers the People tab
// (`SharePeople`), where the group may. Loaded and drawn by `ShareDialogHost`.
import {
  Alert,
  Button,
  Checkbox,
  CopyButton,
  Group,
  Modal,
  NumberInput,
  Stack,
  Switch,
  Tabs,
  Text,
  TextInput,
} from "@mantine/core";
import { IconCheck, IconCopy } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { useSession } from "../../api/session";
import type { Share } from "../../api/sharing/shares";
import { canSharePeople } from "./permissions";
import { ShareExpiry } from "./ShareExpiry";
import { SharePeople } from "./SharePeople";
import { closeShareDialog, type ShareTarget } from "./shareDialogStore";
import { type ShareFields, useShareForm } from "./useShareForm";

export default function ShareDialog({ target }: { target: ShareTarget }) {
  const { t } = useTranslation();
  const form = useShareForm(target);
  const { existing } = form;
  const me = useSession()?.user;
  const name = target.kind === "create" ? target.name : (existing?.name ?? "");
  const people = target.kind === "create" && canSharePeople(me);
  const link = form.link ? (
    <Stack>
      <Text>{t(existing ? "share.updated" : "share.created")}</Text>
      <ShareLink link={form.link} />
      <Group justify="flex-end">
        <Button onClick={closeShareDialog}>{t("share.done")}</Button>
      </Group>
    </Stack>
  ) : (
    <LinkForm form={form} existing={existing} />
  );
  return (
    <Modal
      opened
      onClose={closeShareDialog}
      closeButtonProps={{ "aria-label": t("share.close") }}
      title={t(existing ? "share.editTitle" : "share.createTitle", { name })}
      centered
    >
      {people && target.kind === "create" ? (
        <Tabs defaultValue="link" keepMounted={false}>
          <Tabs.List mb="md">
            <Tabs.Tab value="link">{t("people.tabLink")}</Tabs.Tab>
            <Tabs.Tab value="people">{t("people.tabPeople")}</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="link">{link}</Tabs.Panel>
          <Tabs.Panel value="people">
            <SharePeople uri={target.uri} name={name} />
          </Tabs.Panel>
        </Tabs>
      ) : (
        link
      )}
    </Modal>
  );
}

/** The link's options and the button that makes or saves it. */
function LinkForm({
  form,
  existing,
}: {
  form: ReturnType<typeof useShareForm>;
  existing: Share | undefined;
}) {
  const { t } = useTranslation();
  const f = form.fields;
  return (
    <form onSubmit={form.submit}>
      <Stack>
        <PasswordFields f={f} existing={existing} />
        <ShareExpiry
          expiry={f.expiry}
          onExpiry={f.setExpiry}
          date={f.date}
          onDate={f.setDate}
          existing={existing?.expires}
        />
        {!f.uploadOnly && <DownloadFields f={f} />}
        {form.isFolder && <FolderFields f={f} />}
        {form.error && (
          <Alert color="red" role="alert">
            {form.error}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={closeShareDialog}>
            {t("common.cancel")}
          </Button>
          <Button type="submit" loading={form.busy}>
            {t(existing ? "share.save" : "share.create")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function PasswordFields({ f, existing }: { f: ShareFields; existing?: Share }) {
  const { t } = useTranslation();
  return (
    <>
      <Checkbox
        label={t("share.usePassword")}
        checked={f.isPrivate}
        onChange={(e) => f.setPrivate(e.currentTarget.checked)}
      />
      {f.isPrivate && !existing?.password && (
        <TextInput
          label={t("share.password")}
          description={t("share.passwordHint")}
          value={f.password}
          maxLength={32}
          pattern="[A-Za-z0-9]*"
          onChange={(e) => f.setPassword(e.currentTarget.value)}
        />
      )}
      {existing?.password && (
        <Text size="sm" c="dimmed">
          {t("share.passwordKept", { password: existing.password })}
        </Text>
      )}
    </>
  );
}

function DownloadFields({ f }: { f: ShareFields }) {
  const { t } = useTranslation();
  return (
    <>
      <Checkbox
        label={t("share.limitDownloads")}
        checked={f.limited}
        onChange={(e) => f.setLimited(e.currentTarget.checked)}
      />
      {f.limited && (
        <NumberInput
          label={t("share.downloads")}
          min={1}
          max={1_000_000}
          allowDecimal={false}
          value={f.downloads}
          onChange={(v) => f.setDownloads(typeof v === "number" ? v : 1)}
        />
      )}
    </>
  );
}

/** Options only a folder share has: its view, its README, or taking uploads instead. */
function FolderFields({ f }: { f: ShareFields }) {
  const { t } = useTranslation();
  return (
    <>
      <Switch
        label={t("shareMore.uploadOnly")}
        description={t("shareMore.uploadOnlyHint")}
        checked={f.uploadOnly}
        onChange={(e) => f.setUploadOnly(e.currentTarget.checked)}
      />
      {f.uploadOnly ? (
        <NumberInput
          label={t("shareMore.uploadCap")}
          description={t("shareMore.uploadCapHint")}
          min={0}
          max={10_000_000}
          allowDecimal={false}
          suffix=" MiB"
          value={f.capMib}
          onChange={(v) => f.setCapMib(typeof v === "number" ? v : 0)}
        />
      ) : (
        <>
          <Switch
            label={t("share.shareView")}
            checked={f.shareView}
            onChange={(e) => f.setShareView(e.currentTarget.checked)}
          />
          <Switch
            label={t("shareReadme.toggle")}
            description={t("shareReadme.toggleHint")}
            checked={f.showReadme}
            onChange={(e) => f.setShowReadme(e.currentTarget.checked)}
          />
        </>
      )}
    </>
  );
}

/** The link in a read-only field, with a button that copies it. */
export function ShareLink({ link }: { link: string }) {
  const { t } = useTranslation();
  return (
    <Group gap="xs" wrap="nowrap" align="end">
      <TextInput
        style={{ flex: 1 }}
        label={t("share.link")}
        value={link}
        readOnly
        onFocus={(e) => e.currentTarget.select()}
      />
      <CopyButton value={link}>
        {({ copied, copy }) => (
          <Button
            variant={copied ? "light" : "filled"}
            color={copied ? "teal" : undefined}
            leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
            onClick={copy}
          >
            {copied ? t("share.copied") : t("share.copy")}
          </Button>
        )}
      </CopyButton>
    </Group>
  );
}
