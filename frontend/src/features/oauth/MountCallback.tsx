// /callback/desktop and /callback/ios, where the official clients' redirect URIs lead (spec
// §2.11): the authorization code goes on to the app through a `cloudreve://mount` link. The
// desktop client's new drive first asks which folder to sync and under which name; its
// re-authorization (`state` starting with `reauthorize:`) and the iOS app open at once.
import {
  Alert,
  Button,
  Center,
  Group,
  Loader,
  Modal,
  Paper,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useNavigate, useSearch } from "@tanstack/react-router";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSession } from "../../api/session";
import { useBasicConfig } from "../../api/siteConfig";
import { FolderPicker } from "../../components/FolderPicker";
import { AnchorLink } from "../../components/links";
import { MY_ROOT } from "../../lib/uri";
import { defaultMountName, isReauthorize, mountLink } from "./mount";

type Search = { code?: string; state?: string; error?: string };

const open = (link: string) => window.location.assign(link);

export function DesktopCallback() {
  return <MountCallback client="desktop" />;
}

export function IosCallback() {
  return <MountCallback client="ios" />;
}

function MountCallback({ client }: { client: "desktop" | "ios" }) {
  const { t } = useTranslation();
  const search = useSearch({ strict: false }) as Search;
  const session = useSession();
  const [link, setLink] = useState<string | null>(null);
  const opened = useRef(false);
  const { code = "", state = "", error } = search;
  const userId = session?.user.id ?? "";
  const immediate = client === "ios" || isReauthorize(state);

  useEffect(() => {
    if (immediate && code && userId && !opened.current) {
      opened.current = true;
      const target = mountLink({ state, code, userId });
      setLink(target);
      open(target);
    }
  }, [immediate, code, state, userId]);

  if (error || !code) {
    return (
      <Outcome title={t("oauth.callback.failedTitle")}>
        <Alert color={error === "access_denied" ? "gray" : "red"} role="alert">
          {error === "access_denied" ? t("oauth.callback.denied") : t("oauth.callback.noCode")}
        </Alert>
      </Outcome>
    );
  }
  if (link) {
    return (
      <Outcome title={t("oauth.callback.openingTitle")}>
        <Text size="sm">{t("oauth.callback.opening")}</Text>
        <Group>
          <Button component="a" href={link}>
            {t("oauth.callback.openAgain")}
          </Button>
        </Group>
      </Outcome>
    );
  }
  if (immediate) {
    return (
      <Center py="xl">
        <Loader aria-label={t("oauth.consent.working")} />
      </Center>
    );
  }
  return (
    <MountSetup
      onDone={(path, name) => {
        const target = mountLink({ state, code, userId, path, name });
        setLink(target);
        open(target);
      }}
    />
  );
}

function Outcome({ title, children }: { title: string; children: React.ReactNode }) {
  const { t } = useTranslation();
  return (
    <Paper withBorder p="lg" maw={520} mx="auto" mt="xl">
      <Stack>
        <Title order={1} size="h3">
          {title}
        </Title>
        {children}
        <AnchorLink to="/home" search={{ path: MY_ROOT }} size="sm">
          {t("oauth.callback.toDrive")}
        </AnchorLink>
      </Stack>
    </Paper>
  );
}

/** The desktop client's new drive: which folder of "my files" it syncs, and its name there. */
function MountSetup({ onDone }: { onDone: (path: string, name: string) => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const basic = useBasicConfig();
  const siteTitle = basic.data?.title ?? "";
  const [folder, setFolder] = useState(MY_ROOT);
  const [name, setName] = useState<string | null>(null);
  const shownName = name ?? defaultMountName(folder, siteTitle);

  return (
    <Modal
      opened
      size="lg"
      title={t("oauth.mount.title")}
      onClose={() => navigate({ to: "/home", search: { path: MY_ROOT } })}
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (shownName.trim()) onDone(folder, shownName.trim());
        }}
      >
        <Stack>
          <Text size="sm">{t("oauth.mount.intro")}</Text>
          <div>
            <Text size="sm" fw={500} mb={4}>
              {t("oauth.mount.folder")}
            </Text>
            <Paper withBorder p="xs">
              <FolderPicker value={folder} onChange={setFolder} excluded={new Set()} height={220} />
            </Paper>
          </div>
          <TextInput
            label={t("oauth.mount.name")}
            description={t("oauth.mount.nameHint")}
            required
            value={shownName}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <Group justify="flex-end">
            <Button
              variant="default"
              onClick={() => navigate({ to: "/home", search: { path: MY_ROOT } })}
            >
              {t("oauth.mount.cancel")}
            </Button>
            <Button type="submit" disabled={!shownName.trim()}>
              {t("oauth.mount.connect")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
