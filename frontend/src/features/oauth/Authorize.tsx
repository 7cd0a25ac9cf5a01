// /session/authorize, the authorization endpoint (spec 4.18 §2.11): the app is looked up first (an
// unknown app or a bad redirect is an error page here, never a redirect); someone signed out
// signs in and comes back; a request whose scopes the user already granted is consented at
// once; otherwise the consent screen says who asks for what, for which account, and where the
// answer goes. Allow sends the code back to the app, Deny an `access_denied`.
import {
  Alert,
  Anchor,
  Button,
  Center,
  Group,
  Loader,
  Paper,
  Stack,
  Text,
  Title,
} from "@mantine/core";
import { IconUserCircle } from "@tabler/icons-react";
import { useNavigate, useSearch } from "@tanstack/react-router";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { consent, type OAuthApp, useOAuthApp } from "../../api/account/oauth";
import { ApiError } from "../../api/client";
import { signOut, useSession } from "../../api/session";
import { AuthCard } from "../../components/AuthCard";
import { AppIcon } from "../../components/oauth/AppIcon";
import { appName } from "../../components/oauth/appName";
import { ScopeList } from "../../components/oauth/ScopeList";
import { errorMessage } from "../../lib/errors";
import {
  type AuthorizeRequest,
  alreadyConsented,
  consentBody,
  parseAuthorize,
  registeredRedirect,
  returnAddress,
  safeWithoutList,
} from "./request";

/** This page's address on the site, where sign-in comes back to. */
const here = () => `${window.location.pathname}${window.location.search}`;

export default function Authorize() {
  const { t } = useTranslation();
  const search = useSearch({ strict: false }) as Record<string, unknown>;
  const parsed = parseAuthorize(search);
  if ("problem" in parsed) {
    return <Problem text={t(`oauth.problem.${parsed.problem}` as "oauth.problem.noClient")} />;
  }
  return <WithRequest request={parsed.request} />;
}

function WithRequest({ request }: { request: AuthorizeRequest }) {
  const { t } = useTranslation();
  const session = useSession();
  const navigate = useNavigate();
  const app = useOAuthApp(request.clientId, session?.user.id);

  // Signed out: the usual sign-in (password, 2FA or passkey), then back to this address.
  useEffect(() => {
    if (app.data && !session) {
      navigate({ to: "/session", search: { redirect: here() }, replace: true });
    }
  }, [app.data, session, navigate]);

  if (app.isError) {
    const missing = app.error instanceof ApiError && app.error.code === 404;
    return <Problem text={missing ? t("oauth.problem.noApp") : errorMessage(app.error)} />;
  }
  if (!app.data || !session) return <Waiting />;
  if (app.data.redirect_uris && !registeredRedirect(request.redirectUri, app.data.redirect_uris)) {
    return <Problem text={t("oauth.problem.badRedirect")} />;
  }
  return <Consent app={app.data} request={request} />;
}

function Consent({ app, request }: { app: OAuthApp; request: AuthorizeRequest }) {
  const { t } = useTranslation();
  const name = appName(app.name);
  const { busy, failure, denied, automatic, allow, deny } = useConsent(app, request);

  if (failure) return <Problem text={failure} />;
  if (denied) return <Problem text={t("oauth.consent.deniedHere")} color="gray" />;
  if (automatic) return <Waiting />;

  const destination = destinationOf(request.redirectUri, t("oauth.consent.thisSite"));

  return (
    <AuthCard maw={480}>
      <Stack gap="md">
        <AppHeading app={app} name={name} />
        <Text size="sm" fw={500}>
          {t("oauth.consent.wants", { app: name })}
        </Text>
        <ScopeList scopes={request.scopes} />
        <AccountCard />
        <Text size="xs" c="dimmed">
          {t("oauth.consent.destination", { where: destination })}
        </Text>
        <Group grow>
          <Button variant="default" onClick={deny} loading={busy === "deny"} disabled={!!busy}>
            {t("oauth.consent.deny")}
          </Button>
          <Button onClick={() => void allow()} loading={busy === "allow"} disabled={!!busy}>
            {t("oauth.consent.allow")}
          </Button>
        </Group>
      </Stack>
    </AuthCard>
  );
}

/**
 * Allow (the code goes back to the app) and Deny (`access_denied`, only to an address the app
 * registered or a safe one); consent given before for every scope asked goes on at once.
 */
function useConsent(app: OAuthApp, request: AuthorizeRequest) {
  const [busy, setBusy] = useState<"allow" | "deny" | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [denied, setDenied] = useState(false);
  const automatic = alreadyConsented(request.scopes, app.consented_scopes);
  const started = useRef(false);
  const origin = window.location.origin;

  const allow = async () => {
    setBusy("allow");
    setFailure(null);
    try {
      const answer = await consent(consentBody(request));
      window.location.assign(
        returnAddress(request.redirectUri, origin, { code: answer.code, state: answer.state }),
      );
    } catch (e) {
      // A refused consent (bad redirect, scope or app) stays here: nothing is sent anywhere.
      setFailure(errorMessage(e));
      setBusy(null);
    }
  };

  const deny = () => {
    const uri = request.redirectUri;
    const allowed = app.redirect_uris
      ? registeredRedirect(uri, app.redirect_uris)
      : safeWithoutList(uri, origin);
    if (!allowed) {
      setDenied(true);
      return;
    }
    setBusy("deny");
    window.location.assign(
      returnAddress(uri, origin, { error: "access_denied", state: request.state }),
    );
  };

  // Consent given before for every scope asked: go on without asking again.
  useEffect(() => {
    if (automatic && !started.current) {
      started.current = true;
      void allow();
    }
  });

  return { busy, failure, denied, automatic, allow, deny };
}

/** Where the answer goes, as the consent screen names it: this site, or the other host. */
function destinationOf(redirectUri: string, thisSite: string): string {
  const origin = window.location.origin;
  let destination = redirectUri;
  try {
    const url = new URL(redirectUri, origin);
    destination = url.origin === origin ? thisSite : url.host || url.protocol;
  } catch {
    // parseAuthorize accepted it; keep the text as given.
  }

  return destination;
}

/** The app's icon, name and homepage, and its description. */
function AppHeading({ app, name }: { app: OAuthApp; name: string }) {
  const { t } = useTranslation();
  return (
    <>
      <Group wrap="nowrap" align="flex-start">
        <AppIcon src={app.icon} />
        <Stack gap={2} miw={0}>
          <Title order={2} size="h4" style={{ overflowWrap: "anywhere" }}>
            {t("oauth.consent.title", { app: name })}
          </Title>
          {app.homepage_url && (
            <Anchor
              href={app.homepage_url}
              target="_blank"
              rel="noopener noreferrer"
              size="sm"
              style={{ overflowWrap: "anywhere" }}
            >
              {app.homepage_url}
            </Anchor>
          )}
        </Stack>
      </Group>
      {app.description && (
        <Text size="sm" c="dimmed" style={{ whiteSpace: "pre-wrap" }}>
          {app.description}
        </Text>
      )}
    </>
  );
}

/** The account the app would act for, and a way to pick another. */
function AccountCard() {
  const { t } = useTranslation();
  const session = useSession();
  const navigate = useNavigate();
  const switchAccount = async () => {
    const back = here();
    await signOut();
    navigate({ to: "/session", search: { redirect: back }, replace: true });
  };

  return (
    <Paper withBorder p="sm" radius="md">
      <Group wrap="nowrap" justify="space-between">
        <Group wrap="nowrap" gap="xs" miw={0}>
          <IconUserCircle size={28} stroke={1.4} aria-hidden />
          <div style={{ minWidth: 0 }}>
            <Text size="xs" c="dimmed">
              {t("oauth.consent.account")}
            </Text>
            <Text size="sm" fw={500} truncate>
              {session?.user.nickname}
            </Text>
            {session?.user.email && (
              <Text size="xs" c="dimmed" truncate>
                {session.user.email}
              </Text>
            )}
          </div>
        </Group>
        <Anchor component="button" type="button" size="sm" onClick={() => void switchAccount()}>
          {t("oauth.consent.switch")}
        </Anchor>
      </Group>
    </Paper>
  );
}

function Waiting() {
  const { t } = useTranslation();
  return (
    <Center mih="100dvh">
      <Loader aria-label={t("oauth.consent.working")} />
    </Center>
  );
}

function Problem({ text, color = "red" }: { text: string; color?: string }) {
  const { t } = useTranslation();
  return (
    <AuthCard maw={480} title={t("oauth.problem.title")}>
      <Alert color={color} role="alert">
        {text}
      </Alert>
    </AuthCard>
  );
}
