// A button per OpenID Connect provider under the sign-in form. Each is a plain link: the
// server answers it with the redirect to the provider. A name that already says "Sign in
// with" is not prefixed again.
import { Avatar, Button, Divider, Stack } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { LoginConfig } from "../../api/account/loginConfig";
import { providerLabel } from "./providerLabel";

export function ProviderButtons({
  providers,
  redirect,
}: {
  providers: LoginConfig["providers"];
  redirect: string;
}) {
  const { t } = useTranslation();
  if (providers.length === 0) return null;
  return (
    <Stack gap="xs">
      <Divider label={t("signIn.orWith")} labelPosition="center" />
      {providers.map((p) => (
        <Button
          key={p.id}
          component="a"
          variant="default"
          fullWidth
          href={`/api/v4/session/oidc/${encodeURIComponent(p.id)}/authorize?redirect=${encodeURIComponent(redirect)}`}
          leftSection={p.icon ? <Avatar src={p.icon} size={20} radius="xs" alt="" /> : undefined}
        >
          {providerLabel(p.name, (name) => t("signIn.withProvider", { name }))}
        </Button>
      ))}
    </Stack>
  );
}
