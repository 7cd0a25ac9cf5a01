// The share landing for visitors, around the explorer when `?path=` is a share URI: the share's
// name, owner, expiry and downloads left; a password prompt while it is locked; a clear page
// when the link is expired, used up or deleted; "download all" for everyone and "save to my
// drive" for signed-in visitors; the folder's README above the listing when the owner asked.
import {
  Avatar,
  Button,
  Center,
  Group,
  Loader,
  Paper,
  PasswordInput,
  Stack,
  Text,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconDeviceFloppy, IconDownload, IconLinkOff, IconLock } from "@tabler/icons-react";
import { useNavigate, useSearch } from "@tanstack/react-router";
import { type FormEvent, lazy, type ReactNode, Suspense, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api, unwrap } from "../../api/client";
import { useSession } from "../../api/session";
import { useShareInfo } from "../../api/shares";
import { ButtonLink } from "../../components/links";
import { avatarUrl } from "../../lib/avatar";
import { downloadFiles } from "../../lib/downloads";
import { errorMessage, notifyError } from "../../lib/errors";
import { formatDate } from "../../lib/format";
import { childUri, formatUri, MY_ROOT, parseUri, SHARED_WITH_ME_ROOT } from "../../lib/uri";

// Markdown rendering is a chunk of its own, loaded only for shares that show a README.
const ShareReadme = lazy(() => import("./ShareReadme"));

/** `FileInfo.type` of a folder. */
const FOLDER = 1;
/** Wrong share password. */
const WRONG_PASSWORD = 40069;
/** Share not found, expired or used up. */
const SHARE_GONE = 40058;

export function ShareGate({ children }: { children: ReactNode }) {
  const search = useSearch({ strict: false }) as { path?: string };
  const parsed = search.path ? parseUri(search.path) : null;
  if (parsed?.fs !== "share" || !parsed.id) return <>{children}</>;
  return (
    <ShareLanding key={parsed.id} id={parsed.id} password={parsed.password} folder={search.path}>
      {children}
    </ShareLanding>
  );
}

function ShareLanding({
  id,
  password,
  folder,
  children,
}: {
  id: string;
  password?: string;
  /** The share URI on screen. */
  folder?: string;
  children: ReactNode;
}) {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const info = useShareInfo(id, password);

  if (info.isPending) {
    return (
      <Center p="xl">
        <Loader aria-label={t("explorer.loading")} />
      </Center>
    );
  }
  if (info.isError && !(info.error instanceof ApiError && info.error.code === WRONG_PASSWORD)) {
    return <ShareGone error={info.error} />;
  }
  const share = info.data;
  if (share?.expired) return <ShareGone />;
  if (!share?.unlocked) {
    // A wrong password answers the share still locked (Cloudreve's shape); older servers
    // answered 40069.
    const wrong = info.isError || Boolean(password);
    return <PasswordPrompt id={id} wrong={wrong} name={share?.name} />;
  }

  const isOwner = session?.user.id === share.owner.id;
  return (
    <Stack gap="sm" h="100%">
      <Paper withBorder p="sm" component="section" aria-label={t("share.landingLabel")}>
        <Group justify="space-between" wrap="wrap" gap="sm">
          <Group gap="sm" wrap="nowrap" miw={0}>
            <Avatar src={avatarUrl(share.owner)} alt="" radius="xl">
              {share.owner.nickname.slice(0, 1).toUpperCase()}
            </Avatar>
            <Stack gap={0} miw={0}>
              <Title order={2} size="h4" lineClamp={1}>
                {share.name}
              </Title>
              <Text size="sm" c="dimmed">
                {t("share.sharedBy", { name: share.owner.nickname })}
                {" · "}
                {share.expires
                  ? t("share.expiresOn", { date: formatDate(share.expires, i18n.language) })
                  : t("share.noExpiry")}
                {share.remain_downloads != null &&
                  ` · ${t("share.downloadsLeft", { count: share.remain_downloads })}`}
              </Text>
            </Stack>
          </Group>
          <Group gap="xs">
            <DownloadAll id={id} password={password} name={share.name ?? id} />
            {session && !isOwner && (
              <SaveToDrive
                id={id}
                password={password}
                name={share.name ?? id}
                owner={share.owner.id}
              />
            )}
            {!session && (
              <Text size="sm" c="dimmed">
                {t("share.signInToSave")}
              </Text>
            )}
          </Group>
        </Group>
      </Paper>
      {share.show_readme && folder && (
        <Suspense fallback={null}>
          <ShareReadme
            key={folder}
            folder={folder}
            limited={share.remain_downloads != null && !isOwner}
          />
        </Suspense>
      )}
      {children}
    </Stack>
  );
}

function PasswordPrompt({ id, wrong, name }: { id: string; wrong: boolean; name?: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [value, setValue] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    navigate({
      to: "/home",
      search: { path: formatUri({ fs: "share", id, password: value.trim(), segments: [] }) },
      replace: true,
    });
  };
  return (
    <Center p="md">
      <Paper withBorder shadow="sm" p="xl" w="100%" maw={420} component="section">
        <form onSubmit={submit}>
          <Stack>
            <Group gap="xs">
              <IconLock size={20} aria-hidden />
              <Title order={2} size="h4">
                {t("share.lockedTitle")}
              </Title>
            </Group>
            <Text c="dimmed">
              {name ? t("share.lockedBodyNamed", { name }) : t("share.lockedBody")}
            </Text>
            <PasswordInput
              label={t("share.password")}
              required
              autoFocus
              value={value}
              error={wrong ? t("share.wrongPassword") : undefined}
              onChange={(e) => setValue(e.currentTarget.value)}
            />
            <Button type="submit">{t("share.unlock")}</Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}

function ShareGone({ error }: { error?: unknown }) {
  const { t } = useTranslation();
  const session = useSession();
  const gone = !error || (error instanceof ApiError && error.code === SHARE_GONE);
  return (
    <Center p="md">
      <Stack align="center" maw={460} ta="center" role="alert">
        <IconLinkOff size={48} stroke={1.4} aria-hidden />
        <Title order={2}>{t(gone ? "share.goneTitle" : "share.failedTitle")}</Title>
        <Text c="dimmed">{gone ? t("share.goneBody") : errorMessage(error)}</Text>
        {session && (
          <ButtonLink to="/home" search={{ path: MY_ROOT }} variant="default">
            {t("error.home")}
          </ButtonLink>
        )}
      </Stack>
    </Center>
  );
}

/** The whole share: its one file, or its folder as a zip (built where the group may). */
function DownloadAll(props: { id: string; password?: string; name: string }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const root = formatUri({ fs: "share", id: props.id, password: props.password, segments: [] });
  const download = async () => {
    setBusy(true);
    try {
      const listed = await unwrap(api.GET("/file", { params: { query: { uri: root } } }));
      const only = listed.files[0];
      // A single-file share lists its one file in the root; a folder share is the root itself.
      if (listed.single_file_view && only) await downloadFiles([only]);
      else await downloadFiles([{ path: root, type: FOLDER, name: props.name }]);
    } catch (e) {
      notifyError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button
      variant="default"
      leftSection={<IconDownload size={16} />}
      loading={busy}
      onClick={download}
    >
      {t("share.downloadAll")}
    </Button>
  );
}

function SaveToDrive(props: { id: string; password?: string; name: string; owner: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const save = async () => {
    setBusy(true);
    try {
      await unwrap(
        api.POST("/file/create", {
          body: {
            uri: childUri(MY_ROOT, props.name),
            type: "file",
            err_on_conflict: true,
            metadata: {
              "sys:shared_redirect": formatUri({
                fs: "share",
                id: props.id,
                password: props.password,
                segments: [],
              }),
              "sys:shared_owner": props.owner,
            },
          },
        }),
      );
      setSaved(true);
      notifications.show({
        color: "green",
        message: t("share.savedBody", { name: props.name }),
      });
    } catch (e) {
      notifyError(e);
    } finally {
      setBusy(false);
    }
  };
  return saved ? (
    <Button
      variant="light"
      onClick={() => navigate({ to: "/home", search: { path: SHARED_WITH_ME_ROOT } })}
    >
      {t("share.openSaved")}
    </Button>
  ) : (
    <Button leftSection={<IconDeviceFloppy size={16} />} loading={busy} onClick={save}>
      {t("share.saveToDrive")}
    </Button>
  );
}
