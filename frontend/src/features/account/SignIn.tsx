// Sign-in: e-mail and password (with the captcha when the site asks for one), then the 2FA code
// when the server answers 203; or a passkey. Links to sign-up (when open) and the forgotten
// password page.
import { Anchor, Button, Group, PasswordInput, Stack, Text, TextInput } from "@mantine/core";
import { useNavigate, useSearch } from "@tanstack/react-router";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { type LoginResponse, passwordSignIn, twoFactorSignIn } from "../../api/account/account";
import { useLoginConfig } from "../../api/account/loginConfig";
import { ApiError, CODE_CONTINUE } from "../../api/client";
import { signIn } from "../../api/session";
import { AuthCard } from "../../components/AuthCard";
import { AnchorLink } from "../../components/links";
import { errorMessage } from "../../lib/errors";
import { CaptchaField, useCaptcha } from "./Captcha";
import { OtpStep } from "./OtpStep";
import { PasskeySignIn } from "./PasskeySignIn";
import { ProviderButtons } from "./ProviderButtons";
import { useTypedEmail } from "./typedEmail";

/**
 * Where to go once signed in: only a path on this site, never an address someone put in a link;
 * of the `/session` pages only those that need the account and sent the user here: the OAuth
 * authorization page and a sync client's login page (`/session/device/<token>`).
 */
export function signedInTarget(redirect: string | undefined): string {
  let path = redirect ?? "";
  if (/^https?:/i.test(path)) {
    try {
      const url = new URL(path);
      path = url.origin === window.location.origin ? `${url.pathname}${url.search}` : "";
    } catch {
      path = "";
    }
  }
  const local = path.startsWith("/") && !path.startsWith("//") && !path.startsWith("/\\");
  const signedOutPage =
    path.startsWith("/session") && !/^\/session\/(authorize(\?|$)|device\/[^/?]+$)/.test(path);
  return local && !signedOutPage ? path : "/home";
}

type Step = { kind: "password" } | { kind: "otp"; sessionId: string };

export default function SignIn() {
  const { t } = useTranslation();
  const form = useSignIn();
  const { step, config } = form;
  return (
    <AuthCard maw={400}>
      <form onSubmit={form.submit}>
        <Stack>
          {step.kind === "password" ? (
            <PasswordStep form={form} />
          ) : (
            <OtpStep otp={form.otp} setOtp={form.setOtp} />
          )}
          {form.error && (
            <Text c="red" role="alert">
              {form.error}
            </Text>
          )}
          <Button type="submit" loading={form.busy} fullWidth>
            {step.kind === "password" ? t("signIn.submit") : t("signIn.verify")}
          </Button>
          {step.kind === "password" && config?.passkeys && (
            <PasskeySignIn onSignedIn={form.finish} onError={form.setError} />
          )}
          {step.kind === "password" && config && (
            <ProviderButtons
              providers={config.providers}
              redirect={signedInTarget(form.redirect)}
            />
          )}
          {step.kind === "password" && <SignInLinks signUp={!!config?.signUp} />}
          {step.kind === "otp" && (
            <Anchor component="button" type="button" onClick={form.back}>
              {t("signIn.back")}
            </Anchor>
          )}
        </Stack>
      </form>
    </AuthCard>
  );
}

/**
 * The form's state and its submit: the password (with the captcha), then, when the server
 * answers 203, the 2FA code; signed in, the page goes where the link asked.
 */
function useSignIn() {
  const navigate = useNavigate();
  const { redirect } = useSearch({ from: "/session" });
  const [step, setStep] = useState<Step>({ kind: "password" });
  const [email, setEmail] = useTypedEmail();
  const [password, setPassword] = useState("");
  const [otp, setOtp] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const config = useLoginConfig();
  const captcha = useCaptcha(!!config?.captcha.signIn);

  const finish = (answer: LoginResponse) => {
    signIn(answer);
    navigate({ href: signedInTarget(redirect), replace: true });
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      finish(
        step.kind === "password"
          ? await passwordSignIn({ email, password, ...captcha.fields })
          : await twoFactorSignIn({ otp, session_id: step.sessionId }),
      );
    } catch (e) {
      if (e instanceof ApiError && e.code === CODE_CONTINUE && typeof e.data === "string") {
        setStep({ kind: "otp", sessionId: e.data });
      } else {
        setError(errorMessage(e));
        captcha.renew();
      }
    } finally {
      setBusy(false);
    }
  };
  const back = () => setStep({ kind: "password" });
  return {
    redirect,
    step,
    back,
    email,
    setEmail,
    password,
    setPassword,
    otp,
    setOtp,
    error,
    setError,
    busy,
    config,
    captcha,
    finish,
    submit,
  };
}

function PasswordStep({ form }: { form: ReturnType<typeof useSignIn> }) {
  const { t } = useTranslation();
  return (
    <>
      <Text c="dimmed">{t("signIn.intro")}</Text>
      <TextInput
        label={t("signIn.email")}
        // Text, not "email": a directory account may sign in with its user name.
        type="text"
        inputMode="email"
        autoCapitalize="none"
        spellCheck={false}
        autoComplete="username"
        required
        autoFocus
        value={form.email}
        onChange={(e) => form.setEmail(e.currentTarget.value)}
      />
      <PasswordInput
        label={t("signIn.password")}
        autoComplete="current-password"
        required
        value={form.password}
        onChange={(e) => form.setPassword(e.currentTarget.value)}
      />
      <CaptchaField captcha={form.captcha} mt={0} />
    </>
  );
}

function SignInLinks({ signUp }: { signUp: boolean }) {
  const { t } = useTranslation();
  return (
    <Group justify="space-between">
      <AnchorLink to="/session/forget" size="sm">
        {t("account.forgotLink")}
      </AnchorLink>
      {signUp && (
        <AnchorLink to="/session/signup" size="sm">
          {t("account.signUpLink")}
        </AnchorLink>
      )}
    </Group>
  );
}
