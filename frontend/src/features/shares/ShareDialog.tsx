// Creating or editing a share: password, expiry, download limit, the owner's folder view, the
// folder's README on the share page; then
// the link, with a copy button. Loaded and drawn by `ShareDialogHost`.
import {
  Alert,
  Button,
  Checkbox,
  CopyButton,
  Group,
  Modal,
  NumberInput,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
} from "@mantine/core";
import { IconCheck, IconCopy } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { createShare, type ShareOptions, updateShare } from "../../api/shares";
import { useSubmit } from "../../lib/form";
import { formatDate } from "../../lib/format";
import { closeShareDialog, type ShareTarget } from "./shareDialogStore";

/** Expiry choices, in seconds; "keep" leaves an edited share's expiry where it is. */
const EXPIRY = { hour: 3600, day: 86_400, week: 7 * 86_400, month: 30 * 86_400 } as const;
type Expiry = "never" | "keep" | keyof typeof EXPIRY;

export default function ShareDialog({ target }: { target: ShareTarget }) {
  const { t, i18n } = useTranslation();
  const existing = target.kind === "edit" ? target.share : undefined;
  const name = target.kind === "create" ? target.name : (existing?.name ?? "");
  const [isPrivate, setPrivate] = useState(!!existing?.password || !!existing?.is_private);
  const [password, setPassword] = useState("");
  const [expiry, setExpiry] = useState<Expiry>(existing?.expires ? "keep" : "never");
  const [limited, setLimited] = useState(existing?.remain_downloads != null);
  const [downloads, setDownloads] = useState<number>(existing?.remain_downloads ?? 1);
  const [shareView, setShareView] = useState(!!existing?.share_view);
  const [showReadme, setShowReadme] = useState(!!existing?.show_readme);
  const isFolder = target.kind === "edit" ? existing?.source_type === 1 : target.folder;
  const [link, setLink] = useState<string | null>(null);

  const expirySeconds = (): number => {
    if (expiry === "never") return 0;
    if (expiry === "keep") {
      const left = Math.ceil((Date.parse(existing?.expires ?? "") - Date.now()) / 1000);
      return Math.max(1, left);
    }
    return EXPIRY[expiry];
  };

  const { busy, error, submit } = useSubmit(async () => {
    const options: ShareOptions = {
      isPrivate,
      password: password.trim() || undefined,
      downloads: limited ? Math.max(1, downloads) : 0,
      expire: expirySeconds(),
      shareView,
      showReadme: isFolder ? showReadme : false,
    };
    setLink(
      existing
        ? await updateShare(existing.id, options)
        : target.kind === "create"
          ? await createShare(target.uri, options)
          : "",
    );
  });

  const expiryChoices = [
    { value: "never", label: t("share.expiry.never") },
    ...(existing?.expires
      ? [
          {
            value: "keep",
            label: t("share.expiry.keep", { date: formatDate(existing.expires, i18n.language) }),
          },
        ]
      : []),
    { value: "hour", label: t("share.expiry.hour") },
    { value: "day", label: t("share.expiry.day") },
    { value: "week", label: t("share.expiry.week") },
    { value: "month", label: t("share.expiry.month") },
  ];

  return (
    <Modal
      opened
      onClose={closeShareDialog}
      closeButtonProps={{ "aria-label": t("share.close") }}
      title={t(existing ? "share.editTitle" : "share.createTitle", { name })}
      centered
    >
      {link ? (
        <Stack>
          <Text>{t(existing ? "share.updated" : "share.created")}</Text>
          <ShareLink link={link} />
          <Group justify="flex-end">
            <Button onClick={closeShareDialog}>{t("share.done")}</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit}>
          <Stack>
            <Checkbox
              label={t("share.usePassword")}
              checked={isPrivate}
              onChange={(e) => setPrivate(e.currentTarget.checked)}
            />
            {isPrivate && !existing?.password && (
              <TextInput
                label={t("share.password")}
                description={t("share.passwordHint")}
                value={password}
                maxLength={32}
                pattern="[A-Za-z0-9]*"
                onChange={(e) => setPassword(e.currentTarget.value)}
              />
            )}
            {existing?.password && (
              <Text size="sm" c="dimmed">
                {t("share.passwordKept", { password: existing.password })}
              </Text>
            )}
            <Select
              label={t("share.expires")}
              allowDeselect={false}
              data={expiryChoices}
              value={expiry}
              onChange={(v) => v && setExpiry(v as Expiry)}
            />
            <Checkbox
              label={t("share.limitDownloads")}
              checked={limited}
              onChange={(e) => setLimited(e.currentTarget.checked)}
            />
            {limited && (
              <NumberInput
                label={t("share.downloads")}
                min={1}
                max={1_000_000}
                allowDecimal={false}
                value={downloads}
                onChange={(v) => setDownloads(typeof v === "number" ? v : 1)}
              />
            )}
            {target.kind === "edit" || target.folder ? (
              <Switch
                label={t("share.shareView")}
                checked={shareView}
                onChange={(e) => setShareView(e.currentTarget.checked)}
              />
            ) : null}
            {isFolder && (
              <Switch
                label={t("shareReadme.toggle")}
                description={t("shareReadme.toggleHint")}
                checked={showReadme}
                onChange={(e) => setShowReadme(e.currentTarget.checked)}
              />
            )}
            {error && (
              <Alert color="red" role="alert">
                {error}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={closeShareDialog}>
                {t("common.cancel")}
              </Button>
              <Button type="submit" loading={busy}>
                {t(existing ? "share.save" : "share.create")}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
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
