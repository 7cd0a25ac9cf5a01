// Sign-in: e-mail and password (with the captcha when the site asks for one), then the 2FA code
// when the server answers 203; or a passkey. Links to sign-up (when open) and the forgotten
// password page.
import {
  Anchor,
  Button,
  Group,
  PasswordInput,
  PinInput,
  Stack,
  Text,
  TextInput,
} from "@mantine/core";
import { useNavigate, useSearch } from "@tanstack/react-router";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, anonymousApi, CODE_CONTINUE, type Schemas, unwrap } from "../../api/client";
import { useLoginConfig } from "../../api/loginConfig";
import { signIn } from "../../api/session";
import { AuthCard } from "../../components/AuthCard";
import { AnchorLink } from "../../components/links";
import { errorMessage } from "../../lib/errors";
import { CaptchaField, useCaptcha } from "./Captcha";
import { PasskeySignIn } from "./PasskeySignIn";
import { useTypedEmail } from "./typedEmail";

/**
 * Where to go once signed in: only a path on this site, never an address someone put in a link;
 * of the signed-out pages only the OAuth authorization page, which sent the user here.
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
  const signedOutPage = path.startsWith("/session") && !/^\/session\/authorize(\?|$)/.test(path);
  return local && !signedOutPage ? path : "/home";
}

type Step = { kind: "password" } | { kind: "otp"; sessionId: string };

export default function SignIn() {
  const { t } = useTranslation();
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

  const finish = (answer: Schemas["LoginResponse"]) => {
    signIn(answer);
    navigate({ href: signedInTarget(redirect), replace: true });
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (step.kind === "password") {
        finish(
          await unwrap(
            anonymousApi.POST("/session/token", {
              body: { email, password, ...captcha.fields },
            }),
          ),
        );
      } else {
        finish(
          await unwrap(
            anonymousApi.POST("/session/token/2fa", {
              body: { otp, session_id: step.sessionId },
            }),
          ),
        );
      }
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

  return (
    <AuthCard maw={400}>
      <form onSubmit={submit}>
        <Stack>
          {step.kind === "password" ? (
            <>
              <Text c="dimmed">{t("signIn.intro")}</Text>
              <TextInput
                label={t("signIn.email")}
                type="email"
                autoComplete="username"
                required
                autoFocus
                value={email}
                onChange={(e) => setEmail(e.currentTarget.value)}
              />
              <PasswordInput
                label={t("signIn.password")}
                autoComplete="current-password"
                required
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
              />
              <CaptchaField captcha={captcha} mt={0} />
            </>
          ) : (
            <>
              <Text>{t("signIn.otpIntro")}</Text>
              <PinInput
                length={6}
                type="number"
                oneTimeCode
                autoFocus
                aria-label={t("signIn.otp")}
                value={otp}
                onChange={setOtp}
              />
            </>
          )}
          {error && (
            <Text c="red" role="alert">
              {error}
            </Text>
          )}
          <Button type="submit" loading={busy} fullWidth>
            {step.kind === "password" ? t("signIn.submit") : t("signIn.verify")}
          </Button>
          {step.kind === "password" && config?.passkeys && (
            <PasskeySignIn onSignedIn={finish} onError={setError} />
          )}
          {step.kind === "password" && (
            <Group justify="space-between">
              <AnchorLink to="/session/forget" size="sm">
                {t("account.forgotLink")}
              </AnchorLink>
              {config?.signUp && (
                <AnchorLink to="/session/signup" size="sm">
                  {t("account.signUpLink")}
                </AnchorLink>
              )}
            </Group>
          )}
          {step.kind === "otp" && (
            <Anchor component="button" type="button" onClick={() => setStep({ kind: "password" })}>
              {t("signIn.back")}
            </Anchor>
          )}
        </Stack>
      </form>
    </AuthCard>
  );
}
