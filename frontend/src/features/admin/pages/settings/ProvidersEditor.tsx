// `oidc_providers`: the OpenID Connect providers as a list of cards, written back as the JSON
// list the setting holds. The client secret is write-only: it reads back empty, and left empty
// the server keeps the stored one. Each card shows the callback URL to register at the provider.
import {
  ActionIcon,
  Button,
  Code,
  Group,
  Input,
  Paper,
  PasswordInput,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  Textarea,
  TextInput,
} from "@mantine/core";
import { IconPlus, IconTrash } from "@tabler/icons-react";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { ProviderTest } from "./ProviderTest";
import { useSiteSettings } from "./settingsApi";

type Provider = {
  id: string;
  name: string;
  icon?: string;
  issuer: string;
  client_id: string;
  client_secret?: string;
  scopes: string[] | string;
  allow_signup?: boolean;
  link_by_verified_email?: boolean;
  groups_claim?: string;
  group_map?: Record<string, number>;
};

function parse(value: string): Provider[] | null {
  try {
    const parsed = JSON.parse(value || "[]");
    return Array.isArray(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

const BLANK: Provider = {
  id: "",
  name: "",
  issuer: "",
  client_id: "",
  client_secret: "",
  scopes: ["openid", "profile", "email"],
  allow_signup: false,
  link_by_verified_email: false,
};

type Props = {
  label: string;
  description?: string;
  error?: string;
  value: string;
  onChange: (value: string) => void;
};

export function ProvidersEditor({ label, description, error, value, onChange }: Props) {
  const { t } = useTranslation();
  const [list, setList] = useState<Provider[] | null>(() => parse(value));
  useEffect(() => {
    setList((current) => (current && JSON.stringify(current) === value ? current : parse(value)));
  }, [value]);
  if (!list) return <Input.Error>{error ?? t("admin.settings.invalid.json")}</Input.Error>;
  const write = (next: Provider[]) => {
    setList(next);
    onChange(JSON.stringify(next));
  };
  const edit = (i: number, patch: Partial<Provider>) =>
    write(list.map((p, j) => (j === i ? { ...p, ...patch } : p)));
  return (
    <Input.Wrapper label={label} description={description} error={error}>
      <Stack gap="sm" mt={4}>
        {list.length === 0 && (
          <Text size="sm" c="dimmed">
            {t("admin.settings.oidc.none")}
          </Text>
        )}
        {list.map((p, i) => (
          <ProviderCard
            // biome-ignore lint/suspicious/noArrayIndexKey: a card is its position while its id is typed
            key={i}
            provider={p}
            onChange={(patch) => edit(i, patch)}
            onRemove={() => write(list.filter((_, j) => j !== i))}
          />
        ))}
        <Group>
          <Button
            variant="light"
            leftSection={<IconPlus size={16} />}
            onClick={() => write([...list, { ...BLANK }])}
          >
            {t("admin.settings.oidc.add")}
          </Button>
        </Group>
      </Stack>
    </Input.Wrapper>
  );
}

function ProviderCard({
  provider: p,
  onChange,
  onRemove,
}: {
  provider: Provider;
  onChange: (patch: Partial<Provider>) => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  const site = useSiteSettings().data?.siteURL?.split(",")[0]?.trim().replace(/\/$/, "");
  const callback = `${site || window.location.origin}/api/v4/session/oidc/${p.id || "<id>"}/callback`;
  const f = (key: string) => t(`admin.settings.oidc.field.${key}` as never);
  return (
    <Paper withBorder p="sm" aria-label={p.name || f("name")}>
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap">
          <Text fw={500}>{p.name || t("admin.settings.oidc.unnamed")}</Text>
          <ActionIcon
            variant="subtle"
            color="red"
            aria-label={t("admin.settings.oidc.remove", { name: p.name || p.id })}
            onClick={onRemove}
          >
            <IconTrash size={16} />
          </ActionIcon>
        </Group>
        <ProviderFields provider={p} onChange={onChange} />
        <GroupMapInput value={p.group_map} onChange={(group_map) => onChange({ group_map })} />
        <Group gap="lg">
          <Switch
            label={f("allowSignup")}
            checked={!!p.allow_signup}
            onChange={(e) => onChange({ allow_signup: e.currentTarget.checked })}
          />
          <Switch
            label={f("linkByEmail")}
            checked={!!p.link_by_verified_email}
            onChange={(e) => onChange({ link_by_verified_email: e.currentTarget.checked })}
          />
        </Group>
        <Text size="sm">
          {t("admin.settings.oidc.callback")}{" "}
          <Code style={{ overflowWrap: "anywhere" }}>{callback}</Code>
        </Text>
        <ProviderTest id={p.id} />
      </Stack>
    </Paper>
  );
}

/** The provider group → Stratus group map as JSON text, passed on once it parses. */
function GroupMapInput({
  value,
  onChange,
}: {
  value?: Record<string, number>;
  onChange: (map: Record<string, number> | undefined) => void;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState(() => (value ? JSON.stringify(value) : ""));
  const [error, setError] = useState<string | null>(null);
  return (
    <Textarea
      label={t("admin.settings.oidc.field.groupMap")}
      description={t("admin.settings.oidc.field.groupMapHint")}
      autosize
      minRows={1}
      styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
      value={text}
      error={error}
      onChange={(e) => {
        const next = e.currentTarget.value;
        setText(next);
        try {
          onChange(next.trim() ? JSON.parse(next) : undefined);
          setError(null);
        } catch {
          setError(t("admin.settings.invalid.json"));
        }
      }}
    />
  );
}

/** The provider's text fields, as pairs of a field and its label key. */
const TEXT_FIELDS = [
  ["id", "id"],
  ["name", "name"],
  ["issuer", "issuer"],
  ["icon", "icon"],
  ["client_id", "clientId"],
  ["groups_claim", "groupsClaim"],
] as const;

function ProviderFields({
  provider: p,
  onChange,
}: {
  provider: Provider;
  onChange: (patch: Partial<Provider>) => void;
}) {
  const { t } = useTranslation();
  const f = (key: string) => t(`admin.settings.oidc.field.${key}` as never);
  const scopes = Array.isArray(p.scopes) ? p.scopes.join(" ") : p.scopes;
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
      {TEXT_FIELDS.map(([key, label]) => (
        <TextInput
          key={key}
          label={f(label)}
          value={p[key] ?? ""}
          onChange={(e) => onChange({ [key]: e.currentTarget.value })}
        />
      ))}
      <PasswordInput
        label={f("clientSecret")}
        placeholder={t("admin.settings.secretHint")}
        value={p.client_secret ?? ""}
        onChange={(e) => onChange({ client_secret: e.currentTarget.value })}
      />
      <TextInput
        label={f("scopes")}
        value={scopes}
        onChange={(e) => onChange({ scopes: e.currentTarget.value.split(/\s+/).filter(Boolean) })}
      />
    </SimpleGrid>
  );
}
