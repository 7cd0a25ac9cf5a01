// Creating or editing an OAuth app: name, homepage, redirect URIs (one per line), the scopes it
// may ask for, description, icon, refresh token lifetime, enabled. A new app gets a secret made
// here (the server never reveals one); "New secret" on an edit replaces it. Either way the
// secret is shown once, after saving. Refusals are shown as the server said them.
import {
  Alert,
  Button,
  Checkbox,
  Group,
  Modal,
  NumberInput,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  Textarea,
  TextInput,
} from "@mantine/core";
import { IconRefresh } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../../../api/client";
import { appName } from "../../../../components/oauth/appName";
import { scopeWords } from "../../../../components/oauth/ScopeList";
import { SCOPES } from "../../../../components/oauth/scopes";
import { errorMessage } from "../../../../lib/errors";
import { Endpoints } from "./Endpoints";
import {
  createClient,
  generateClientSecret,
  type OAuthClient,
  type OAuthClientInput,
  parseLines,
  updateClient,
} from "./oauthClientsApi";

type Props = {
  editing?: OAuthClient;
  onClose: () => void;
  /** The saved app, and its secret when one was set. */
  onSaved: (client: OAuthClient, secret?: string) => void;
};

const verbatim = (e: unknown) => (e instanceof ApiError && e.message ? e.message : errorMessage(e));

const isHttpUrl = (text: string) => {
  try {
    const u = new URL(text);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
};

/** A site path, or an absolute URI with a scheme (http(s), or an app's own). */
const isRedirect = (text: string) => {
  if (text.startsWith("/") && !text.startsWith("//")) return true;
  try {
    return !["javascript:", "data:"].includes(new URL(text).protocol);
  } catch {
    return false;
  }
};

export function ClientDialog({ editing, onClose, onSaved }: Props) {
  const { t } = useTranslation();
  const [name, setName] = useState(editing?.name ?? "");
  const [homepage, setHomepage] = useState(editing?.homepage_url ?? "");
  const [redirects, setRedirects] = useState((editing?.redirect_uris ?? []).join("\n"));
  const [scopes, setScopes] = useState<string[]>(editing?.scopes ?? ["openid", "profile"]);
  const [description, setDescription] = useState(editing?.props?.description ?? "");
  const [icon, setIcon] = useState(editing?.props?.icon ?? "");
  const [ttl, setTtl] = useState<number>(editing?.props?.refresh_token_ttl ?? 0);
  const [enabled, setEnabled] = useState(editing ? !!editing.is_enabled : true);
  const [newSecret, setNewSecret] = useState(!editing);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [tried, setTried] = useState(false);

  const uris = parseLines(redirects);
  const problems = {
    name: name.trim() ? undefined : t("oauth.admin.problems.name"),
    homepage:
      !homepage.trim() || isHttpUrl(homepage.trim()) ? undefined : t("oauth.admin.problems.url"),
    redirects:
      uris.length === 0
        ? t("oauth.admin.problems.redirectsEmpty")
        : uris.every(isRedirect)
          ? undefined
          : t("oauth.admin.problems.redirects"),
    scopes: scopes.includes("openid") ? undefined : t("oauth.admin.problems.openid"),
  };
  const shown = (p?: string) => (tried ? p : undefined);

  const save = async () => {
    setTried(true);
    if (Object.values(problems).some(Boolean)) return;
    setBusy(true);
    setError(null);
    const secret = newSecret ? generateClientSecret() : undefined;
    const input: OAuthClientInput = {
      name: name.trim(),
      homepage_url: homepage.trim() || undefined,
      redirect_uris: uris,
      scopes: SCOPES.filter((s) => scopes.includes(s)),
      props: {
        description: description.trim() || undefined,
        icon: icon.trim() || undefined,
        refresh_token_ttl: ttl > 0 ? ttl : undefined,
      },
      is_enabled: enabled,
      ...(secret ? { secret } : {}),
    };
    try {
      const saved = editing ? await updateClient(editing.id, input) : await createClient(input);
      onSaved(saved, secret);
      onClose();
    } catch (e) {
      setError(verbatim(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      opened
      onClose={onClose}
      size="xl"
      title={
        editing
          ? t("oauth.admin.editTitle", { name: appName(editing.name) })
          : t("oauth.admin.createTitle")
      }
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <Stack>
          {editing?.is_system && <Alert color="blue">{t("oauth.admin.systemNote")}</Alert>}
          <TextInput
            label={t("oauth.admin.name")}
            description={editing?.is_system ? appName(editing.name) : undefined}
            required
            value={name}
            error={shown(problems.name)}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <TextInput
            label={t("oauth.admin.homepage")}
            placeholder="https://example.com"
            value={homepage}
            error={shown(problems.homepage)}
            onChange={(e) => setHomepage(e.currentTarget.value)}
          />
          <Textarea
            label={t("oauth.admin.redirects")}
            description={t("oauth.admin.redirectsHint")}
            placeholder="https://app.example.com/oauth/callback"
            required
            autosize
            minRows={2}
            value={redirects}
            error={shown(problems.redirects)}
            onChange={(e) => setRedirects(e.currentTarget.value)}
          />
          <Checkbox.Group
            label={t("oauth.admin.scopes")}
            description={t("oauth.admin.scopesHint")}
            value={scopes}
            onChange={setScopes}
            error={shown(problems.scopes)}
          >
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs" mt="xs">
              {SCOPES.map((scope) => (
                <Checkbox
                  key={scope}
                  value={scope}
                  label={scope}
                  description={scopeWords(scope, (k) => t(k as "oauth.scope.openid"))}
                />
              ))}
            </SimpleGrid>
          </Checkbox.Group>
          <Textarea
            label={t("oauth.admin.description")}
            autosize
            minRows={2}
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
          />
          <TextInput
            label={t("oauth.admin.icon")}
            description={t("oauth.admin.iconHint")}
            placeholder="/static/img/cloudreve.svg"
            value={icon}
            onChange={(e) => setIcon(e.currentTarget.value)}
          />
          <NumberInput
            label={t("oauth.admin.ttl")}
            description={t("oauth.admin.ttlHint")}
            min={0}
            allowDecimal={false}
            value={ttl}
            onChange={(v) => setTtl(typeof v === "number" ? v : 0)}
          />
          <Switch
            label={t("oauth.admin.enabled")}
            checked={enabled}
            onChange={(e) => setEnabled(e.currentTarget.checked)}
          />
          {editing && (
            <>
              <Endpoints clientId={editing.guid} />
              <Group gap="xs">
                <Button
                  variant="default"
                  size="xs"
                  leftSection={<IconRefresh size={14} />}
                  onClick={() => setNewSecret((v) => !v)}
                  aria-pressed={newSecret}
                >
                  {t("oauth.admin.newSecret")}
                </Button>
                {newSecret && (
                  <Text size="sm" c="orange">
                    {t("oauth.admin.newSecretNote")}
                  </Text>
                )}
              </Group>
            </>
          )}
          {error && (
            <Alert color="red" role="alert" title={t("oauth.admin.refused")}>
              <Text size="sm" style={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }}>
                {error}
              </Text>
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("oauth.admin.cancel")}
            </Button>
            <Button type="submit" loading={busy}>
              {t("oauth.admin.save")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
