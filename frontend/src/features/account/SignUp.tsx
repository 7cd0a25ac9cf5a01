// Sign-up: e-mail and password (twice), with the captcha when the site asks for one. When the
// site wants the address confirmed, the server answers 203 and the page says to check the mail.
import { Alert, Button, Text, TextInput } from "@mantine/core";
import { useNavigate } from "@tanstack/react-router";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { passwordSignIn, signUp } from "../../api/account/account";
import { useLoginConfig } from "../../api/account/loginConfig";
import { ApiError, CODE_CONTINUE } from "../../api/client";
import { signIn } from "../../api/session";
import { AuthCard } from "../../components/AuthCard";
import { AnchorLink } from "../../components/links";
import { NewPasswordFields, useNewPassword } from "../../components/NewPassword";
import { useSubmit } from "../../lib/form";
import { MY_ROOT } from "../../lib/uri";
import { CaptchaField, useCaptcha } from "./Captcha";
import { useTypedEmail } from "./typedEmail";

export default function SignUp() {
  const { t } = useTranslation();
  const config = useLoginConfig();
  const captcha = useCaptcha(!!config?.captcha.signUp);
  const [email, setEmail] = useTypedEmail();
  const newPassword = useNewPassword();
  const { mailSent, busy, error, submit } = useSignUp(email, newPassword, captcha);

  if (config && !config.signUp) {
    return (
      <AuthCard title={t("account.signUpTitle")}>
        <Alert color="yellow">{t("account.signUpClosed")}</Alert>
        <AnchorLink to="/session">{t("account.toSignIn")}</AnchorLink>
      </AuthCard>
    );
  }
  if (mailSent) return <MailSent email={email} />;

  return (
    <AuthCard title={t("account.signUpTitle")}>
      <form onSubmit={submit}>
        <TextInput
          label={t("signIn.email")}
          type="email"
          autoComplete="email"
          required
          autoFocus
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
        />
        <NewPasswordFields value={newPassword} label={t("signIn.password")} mt="sm" />
        <CaptchaField captcha={captcha} />
        {error && (
          <Text c="red" role="alert" mt="sm">
            {error}
          </Text>
        )}
        <Button type="submit" loading={busy} fullWidth mt="md">
          {t("account.signUp")}
        </Button>
      </form>
      <Text size="sm">
        {t("account.haveAccount")} <AnchorLink to="/session">{t("account.toSignIn")}</AnchorLink>
      </Text>
    </AuthCard>
  );
}

/**
 * The form's submit: makes the account; when the site wants the address confirmed (203)
 * `mailSent` turns true, else the new account signs in at once.
 */
function useSignUp(
  email: string,
  newPassword: ReturnType<typeof useNewPassword>,
  captcha: ReturnType<typeof useCaptcha>,
) {
  const { i18n } = useTranslation();
  const navigate = useNavigate();
  const [mailSent, setMailSent] = useState(false);
  const { busy, error, setError, submit } = useSubmit(async () => {
    const mismatch = newPassword.mismatch();
    if (mismatch) {
      setError(mismatch);
      return;
    }
    const { password } = newPassword;
    try {
      await signUp({ email, password, language: i18n.language, ...captcha.fields });
    } catch (e) {
      // 203: the account waits for its address to be confirmed.
      if (e instanceof ApiError && e.code === CODE_CONTINUE) return setMailSent(true);
      throw e;
    }
    signIn(await passwordSignIn({ email, password }));
    navigate({ to: "/home", search: { path: MY_ROOT }, replace: true });
  }, captcha.renew);
  return { mailSent, busy, error, submit };
}

function MailSent({ email }: { email: string }) {
  const { t } = useTranslation();
  return (
    <AuthCard title={t("account.checkMailTitle")}>
      <Alert color="blue" role="status">
        {t("account.activationSent", { email })}
      </Alert>
      <AnchorLink to="/session">{t("account.toSignIn")}</AnchorLink>
    </AuthCard>
  );
}
