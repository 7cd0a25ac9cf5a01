// An OAuth app's form: its fields, what is wrong with them (shown once a save was tried), and the
// save, which makes the app a secret when it is new or when "New secret" was asked for.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../../../api/client";
import { SCOPES } from "../../../../components/oauth/scopes";
import { errorMessage } from "../../../../lib/errors";
import {
  createClient,
  generateClientSecret,
  type OAuthClient,
  type OAuthClientInput,
  parseLines,
  updateClient,
} from "./oauthClientsApi";

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

export type ClientValues = {
  name: string;
  homepage: string;
  redirects: string;
  scopes: string[];
  description: string;
  icon: string;
  ttl: number;
  enabled: boolean;
  newSecret: boolean;
};

function initialValues(editing?: OAuthClient): ClientValues {
  return {
    name: editing?.name ?? "",
    homepage: editing?.homepage_url ?? "",
    redirects: (editing?.redirect_uris ?? []).join("\n"),
    scopes: editing?.scopes ?? ["openid", "profile"],
    description: editing?.props?.description ?? "",
    icon: editing?.props?.icon ?? "",
    ttl: editing?.props?.refresh_token_ttl ?? 0,
    enabled: editing ? !!editing.is_enabled : true,
    newSecret: !editing,
  };
}

function toInput(v: ClientValues, secret?: string): OAuthClientInput {
  return {
    name: v.name.trim(),
    homepage_url: v.homepage.trim() || undefined,
    redirect_uris: parseLines(v.redirects),
    scopes: SCOPES.filter((s) => v.scopes.includes(s)),
    props: {
      description: v.description.trim() || undefined,
      icon: v.icon.trim() || undefined,
      refresh_token_ttl: v.ttl > 0 ? v.ttl : undefined,
    },
    is_enabled: v.enabled,
    ...(secret ? { secret } : {}),
  };
}

export type ClientProblems = Partial<Record<"name" | "homepage" | "redirects" | "scopes", string>>;

function useProblems(v: ClientValues): ClientProblems {
  const { t } = useTranslation();
  const uris = parseLines(v.redirects);
  const homepage = v.homepage.trim();
  return {
    name: v.name.trim() ? undefined : t("oauth.admin.problems.name"),
    homepage: !homepage || isHttpUrl(homepage) ? undefined : t("oauth.admin.problems.url"),
    redirects:
      uris.length === 0
        ? t("oauth.admin.problems.redirectsEmpty")
        : uris.every(isRedirect)
          ? undefined
          : t("oauth.admin.problems.redirects"),
    scopes: v.scopes.includes("openid") ? undefined : t("oauth.admin.problems.openid"),
  };
}

export function useClientForm(props: {
  editing?: OAuthClient;
  onClose: () => void;
  onSaved: (client: OAuthClient, secret?: string) => void;
}) {
  const { editing } = props;
  const [values, setValues] = useState(() => initialValues(editing));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [tried, setTried] = useState(false);
  const problems = useProblems(values);
  const set = <K extends keyof ClientValues>(key: K, value: ClientValues[K]) =>
    setValues((v) => ({ ...v, [key]: value }));
  const shown: ClientProblems = tried ? problems : {};

  const save = async () => {
    setTried(true);
    if (Object.values(problems).some(Boolean)) return;
    setBusy(true);
    setError(null);
    const secret = values.newSecret ? generateClientSecret() : undefined;
    const input = toInput(values, secret);
    try {
      const saved = editing ? await updateClient(editing.id, input) : await createClient(input);
      props.onSaved(saved, secret);
      props.onClose();
    } catch (e) {
      setError(verbatim(e));
    } finally {
      setBusy(false);
    }
  };

  return { values, set, shown, busy, error, save };
}

export type ClientForm = ReturnType<typeof useClientForm>;
