// Forgotten password: the server mails a reset link (`/session/reset?id=…&secret=…`). The page
// says the same whether or not the address has an account.
import { Alert, Button, Text, TextInput } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { requestPasswordReset } from "../../api/account/account";
import { useLoginConfig } from "../../api/account/loginConfig";
import { AuthCard } from "../../components/AuthCard";
import { AnchorLink } from "../../components/links";
import { useSubmit } from "../../lib/form";
import { CaptchaField, useCaptcha } from "./Captcha";
import { useTypedEmail } from "./typedEmail";

export default function ForgotPassword() {
  const { t, i18n } = useTranslation();
  const config = useLoginConfig();
  const captcha = useCaptcha(!!config?.captcha.forgot);
  const [email, setEmail] = useTypedEmail();
  const [sent, setSent] = useState(false);

  const { busy, error, submit } = useSubmit(async () => {
    await requestPasswordReset({ email, language: i18n.language, ...captcha.fields });
    setSent(true);
  }, captcha.renew);

  return (
    <AuthCard title={t("account.forgotTitle")}>
      {sent ? (
        <Alert color="blue" role="status" title={t("account.checkMailTitle")}>
          {t("account.resetSent", { email })}
        </Alert>
      ) : (
        <form onSubmit={submit}>
          <Text c="dimmed" size="sm" mb="sm">
            {t("account.forgotIntro")}
          </Text>
          <TextInput
            label={t("signIn.email")}
            type="email"
            autoComplete="email"
            required
            autoFocus
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
          />
          <CaptchaField captcha={captcha} />
          {error && (
            <Text c="red" role="alert" mt="sm">
              {error}
            </Text>
          )}
          <Button type="submit" loading={busy} fullWidth mt="md">
            {t("account.sendResetLink")}
          </Button>
        </form>
      )}
      <AnchorLink to="/session">{t("account.toSignIn")}</AnchorLink>
    </AuthCard>
  );
}
