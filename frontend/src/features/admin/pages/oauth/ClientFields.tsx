// The OAuth app form's sections: who the app is and where it may send people back to (name,
// homepage, redirect URIs, scopes); how it looks and lives (description, icon, refresh token
// lifetime, enabled); and, on an edit, its endpoints and the "New secret" switch.
import {
  Button,
  Checkbox,
  Group,
  NumberInput,
  SimpleGrid,
  Switch,
  Text,
  Textarea,
  TextInput,
} from "@mantine/core";
import { IconRefresh } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { appName } from "../../../../components/oauth/appName";
import { scopeWords } from "../../../../components/oauth/ScopeList";
import { SCOPES } from "../../../../components/oauth/scopes";
import { Endpoints } from "./Endpoints";
import type { OAuthClient } from "./oauthClientsApi";
import type { ClientForm } from "./useClientForm";

type Section = { form: ClientForm; editing?: OAuthClient };

export function ClientIdentity({ form, editing }: Section) {
  const { t } = useTranslation();
  const { values, set, shown } = form;
  return (
    <>
      <TextInput
        label={t("oauth.admin.name")}
        description={editing?.is_system ? appName(editing.name) : undefined}
        required
        value={values.name}
        error={shown.name}
        onChange={(e) => set("name", e.currentTarget.value)}
      />
      <TextInput
        label={t("oauth.admin.homepage")}
        placeholder="https://example.com"
        value={values.homepage}
        error={shown.homepage}
        onChange={(e) => set("homepage", e.currentTarget.value)}
      />
      <Textarea
        label={t("oauth.admin.redirects")}
        description={t("oauth.admin.redirectsHint")}
        placeholder="https://app.example.com/oauth/callback"
        required
        autosize
        minRows={2}
        value={values.redirects}
        error={shown.redirects}
        onChange={(e) => set("redirects", e.currentTarget.value)}
      />
      <ClientScopes form={form} />
    </>
  );
}

function ClientScopes({ form }: { form: ClientForm }) {
  const { t } = useTranslation();
  return (
    <Checkbox.Group
      label={t("oauth.admin.scopes")}
      description={t("oauth.admin.scopesHint")}
      value={form.values.scopes}
      onChange={(v) => form.set("scopes", v)}
      error={form.shown.scopes}
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
  );
}

export function ClientLooks({ form }: { form: ClientForm }) {
  const { t } = useTranslation();
  const { values, set } = form;
  return (
    <>
      <Textarea
        label={t("oauth.admin.description")}
        autosize
        minRows={2}
        value={values.description}
        onChange={(e) => set("description", e.currentTarget.value)}
      />
      <TextInput
        label={t("oauth.admin.icon")}
        description={t("oauth.admin.iconHint")}
        placeholder="/static/img/cloudreve.svg"
        value={values.icon}
        onChange={(e) => set("icon", e.currentTarget.value)}
      />
      <NumberInput
        label={t("oauth.admin.ttl")}
        description={t("oauth.admin.ttlHint")}
        min={0}
        allowDecimal={false}
        value={values.ttl}
        onChange={(v) => set("ttl", typeof v === "number" ? v : 0)}
      />
      <Switch
        label={t("oauth.admin.enabled")}
        checked={values.enabled}
        onChange={(e) => set("enabled", e.currentTarget.checked)}
      />
    </>
  );
}

/** An existing app's endpoints, and the switch that gives it a new secret on saving. */
export function ClientSecret({ form, editing }: { form: ClientForm; editing: OAuthClient }) {
  const { t } = useTranslation();
  const { newSecret } = form.values;
  return (
    <>
      <Endpoints clientId={editing.guid} />
      <Group gap="xs">
        <Button
          variant="default"
          size="xs"
          leftSection={<IconRefresh size={14} />}
          onClick={() => form.set("newSecret", !newSecret)}
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
  );
}
