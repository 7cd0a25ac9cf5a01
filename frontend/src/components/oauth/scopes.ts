// The scopes an app may ask for (spec 4.18 §2.3), each with its words under `oauth.scope.` in the
// translations, in the order the consent screen and the admin console list them.
export const SCOPES = [
  "openid",
  "profile",
  "email",
  "offline_access",
  "UserInfo.Read",
  "UserInfo.Write",
  "UserSecurityInfo.Read",
  "UserSecurityInfo.Write",
  "Files.Read",
  "Files.Write",
  "Shares.Read",
  "Shares.Write",
  "Workflow.Read",
  "Workflow.Write",
  "DavAccount.Read",
  "DavAccount.Write",
  "Admin.Read",
  "Admin.Write",
  "Finance.Read",
  "Finance.Write",
] as const;

export type Scope = (typeof SCOPES)[number];

/** `Files.Read` → `filesRead`: the key of its words under `oauth.scope.`. */
export function scopeKey(scope: string): string | undefined {
  if (!(SCOPES as readonly string[]).includes(scope)) return undefined;
  const [head = "", tail = ""] = scope.split(".");
  const camel = head.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());
  return `${camel.charAt(0).toLowerCase()}${camel.slice(1)}${tail}`;
}

/** Requested scopes in the canonical order, unknown ones last, each once. */
export function ordered(scopes: string[]): string[] {
  const rank = (s: string) => {
    const i = (SCOPES as readonly string[]).indexOf(s);
    return i < 0 ? SCOPES.length : i;
  };
  return [...new Set(scopes)].sort((a, b) => rank(a) - rank(b));
}
