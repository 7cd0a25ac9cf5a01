// The label of an OpenID Connect provider's button: "Sign in with <name>", unless the name the
// administrator gave already says so ("Sign in with Google"), which is then shown as it is.

/** `translate` makes the translated "Sign in with {{name}}" for this provider. */
export function providerLabel(name: string, translate: (name: string) => string): string {
  const prefix = translate("").trim().toLowerCase();
  const lower = name.trim().toLowerCase();
  const saysSo =
    (prefix !== "" && lower.startsWith(prefix)) ||
    /^(sign|log) ?in (with|using|via)\b/.test(lower) ||
    /^continue with\b/.test(lower);
  return saysSo ? name.trim() : translate(name);
}
