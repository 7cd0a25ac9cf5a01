// Sign-in: e-mail and password (with the captcha when the site asks for one), then the 2FA code
// when the server answers 203; or a passkey. Links to sign-up (when open) and the forgotten
// password page.
import {
  Anchor,
  Box,
  Button,
  Center,
  Group,
  Image,
  Paper,
  PasswordInput,
  PinInput,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useNavigate, useSearch } from "@tanstack/react-router";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, anonymousApi, CODE_CONTINUE, type Schemas, unwrap } from "../api/client";
import { signIn } from "../api/session";
import { LanguagePicker } from "../components/LanguagePicker";
import { AnchorLink } from "../components/links";
import { errorMessage } from "../lib/errors";
import { PasskeySignIn } from "./account/PasskeySignIn";

type Step = { kind: "password" } | { kind: "otp"; sessionId: string };

export default function SignIn() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { redirect } = useSearch({ from: "/session" });
  const [step, setStep] = useState<Step>({ kind: "password" });
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [captcha, setCaptcha] = useState("");
  const [otp, setOtp] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const config = useQuery({
    queryKey: ["site-config", "login"],
    queryFn: () =>
      unwrap(
        anonymousApi.GET("/site/config/{section}", { params: { path: { section: "login" } } }),
      ),
  });
  const needsCaptcha = !!config.data?.login_captcha && config.data.captcha_type === "normal";
  const captchaImage = useQuery({
    queryKey: ["captcha"],
    queryFn: () => unwrap(anonymousApi.GET("/site/captcha")),
    enabled: needsCaptcha,
    staleTime: 0,
  });

  const finish = (answer: Schemas["LoginResponse"]) => {
    signIn(answer);
    // Only a path on this site: never an address someone put in a link.
    const target =
      redirect?.startsWith("/") && !redirect.startsWith("//") && !redirect.startsWith("/session")
        ? redirect
        : "/home";
    navigate({ href: target, replace: true });
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (step.kind === "password") {
        const body = needsCaptcha
          ? { email, password, captcha, ticket: captchaImage.data?.ticket }
          : { email, password };
        finish(await unwrap(anonymousApi.POST("/session/token", { body })));
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
        if (needsCaptcha) {
          setCaptcha("");
          captchaImage.refetch();
        }
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Center mih="100dvh" p="md">
      <Paper component="main" withBorder shadow="sm" p="xl" w="100%" maw={400}>
        <form onSubmit={submit}>
          <Stack>
            <Title order={1} size="h2">
              {config.data?.title || "Stratus"}
            </Title>
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
                {needsCaptcha && (
                  <Group align="end" wrap="nowrap">
                    <TextInput
                      style={{ flex: 1 }}
                      label={t("signIn.captcha")}
                      required
                      value={captcha}
                      onChange={(e) => setCaptcha(e.currentTarget.value)}
                    />
                    <Box
                      component="button"
                      type="button"
                      aria-label={t("signIn.newCaptcha")}
                      onClick={() => captchaImage.refetch()}
                      style={{ border: 0, padding: 0, background: "none", cursor: "pointer" }}
                    >
                      {captchaImage.data && (
                        <Image
                          src={captchaImage.data.image}
                          alt={t("signIn.captchaImage")}
                          h={36}
                        />
                      )}
                    </Box>
                  </Group>
                )}
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
            {step.kind === "password" && config.data?.authn && (
              <PasskeySignIn onSignedIn={finish} onError={setError} />
            )}
            {step.kind === "password" && (
              <Group justify="space-between">
                <AnchorLink to="/session/forget" size="sm">
                  {t("account.forgotLink")}
                </AnchorLink>
                {config.data?.register_enabled && (
                  <AnchorLink to="/session/signup" size="sm">
                    {t("account.signUpLink")}
                  </AnchorLink>
                )}
              </Group>
            )}
            {step.kind === "otp" && (
              <Anchor
                component="button"
                type="button"
                onClick={() => setStep({ kind: "password" })}
              >
                {t("signIn.back")}
              </Anchor>
            )}
            <Group justify="flex-end">
              <LanguagePicker />
            </Group>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
