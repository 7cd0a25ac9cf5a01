// The share landing for visitors, around the explorer when `?path=` is a share URI: the share's
// name, owner, expiry and downloads left; a password prompt while it is locked; a clear page
// when the link is expired, used up or deleted; "download all" for everyone and "save to my
// drive" for signed-in visitors; the folder's README above the listing when the owner asked; a
// drop zone instead of the listing on an upload-only share.
import {
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
import { IconLinkOff, IconLock } from "@tabler/icons-react";
import { useNavigate, useSearch } from "@tanstack/react-router";
import { type FormEvent, lazy, type ReactNode, Suspense, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../api/client";
import { useSession } from "../../api/session";
import { useShareInfo } from "../../api/sharing/shares";
import { ButtonLink } from "../../components/links";
import { errorMessage } from "../../lib/errors";
import { formatUri, MY_ROOT, parseUri } from "../../lib/uri";
import { ShareHeader } from "./ShareHeader";
import { ShareUploadZone } from "./ShareUploadZone";

// Markdown rendering is a chunk of its own, loaded only for shares that show a README.
const ShareReadme = lazy(() => import("./ShareReadme"));

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
  const { t } = useTranslation();
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
      <ShareHeader share={share} id={id} password={password} />
      {share.upload_only ? (
        // Nothing of an upload-only share is listed: the drop zone takes the explorer's place.
        <ShareUploadZone share={share} id={id} password={password} />
      ) : (
        <>
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
        </>
      )}
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
