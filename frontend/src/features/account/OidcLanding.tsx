// Where an OpenID Connect provider's callback lands: the one-time code becomes a sign-in (with
// the 2FA step when the account has it on); after a link, back to the settings; an error is
// shown with a way back to the sign-in page.
import { Alert, Button, Center, Loader, Stack } from "@mantine/core";
import { useNavigate, useSearch } from "@tanstack/react-router";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { type LoginResponse, oidcSignIn, twoFactorSignIn } from "../../api/account/account";
import { ApiError, CODE_CONTINUE } from "../../api/client";
import { signIn } from "../../api/session";
import { AuthCard } from "../../components/AuthCard";
import { ButtonLink } from "../../components/links";
import { errorMessage } from "../../lib/errors";
import { OtpStep } from "./OtpStep";
import { signedInTarget } from "./SignIn";

export default function OidcLanding() {
  const { t } = useTranslation();
  const { error, sessionId, otp, setOtp, busy, verify } = useOidcLanding();
  return (
    <AuthCard maw={400}>
      {sessionId ? (
        <form onSubmit={verify}>
          <Stack>
            <OtpStep otp={otp} setOtp={setOtp} />
            {error && (
              <Alert color="red" role="alert">
                {error}
              </Alert>
            )}
            <Button type="submit" loading={busy} fullWidth>
              {t("signIn.verify")}
            </Button>
          </Stack>
        </form>
      ) : error ? (
        <Stack>
          <Alert color="red" role="alert" title={t("signIn.providerFailed")}>
            {error}
          </Alert>
          <ButtonLink to="/session">{t("account.toSignIn")}</ButtonLink>
        </Stack>
      ) : (
        <Center>
          <Loader aria-label={t("signIn.providerWorking")} />
        </Center>
      )}
    </AuthCard>
  );
}

/** The code sent to the server once; the 2FA step when the account asks for it. */
function useOidcLanding() {
  const { t } = useTranslation();
  const search = useSearch({ from: "/session/oidc" });
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(search.error ?? null);
  const [sessionId, setSessionId] = useState<string | null>(null);
  const [otp, setOtp] = useState("");
  const [busy, setBusy] = useState(false);
  const started = useRef(false);

  const done = (answer: LoginResponse) => {
    signIn(answer);
    navigate({ href: signedInTarget(search.redirect), replace: true });
  };

  useEffect(() => {
    // The code works once: a second effect run (strict mode) must not spend it again.
    if (started.current) return;
    started.current = true;
    if (search.linked) {
      navigate({ href: signedInTarget(search.redirect ?? "/settings"), replace: true });
      return;
    }
    if (!search.code) {
      if (!search.error) setError(t("account.linkBroken"));
      return;
    }
    oidcSignIn(search.code)
      .then(done)
      .catch((e) => {
        if (e instanceof ApiError && e.code === CODE_CONTINUE && typeof e.data === "string") {
          setSessionId(e.data);
        } else {
          setError(errorMessage(e));
        }
      });
  });

  const verify = async (event: FormEvent) => {
    event.preventDefault();
    if (!sessionId) return;
    setBusy(true);
    setError(null);
    try {
      done(await twoFactorSignIn({ otp, session_id: sessionId }));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return { error, sessionId, otp, setOtp, busy, verify };
}
