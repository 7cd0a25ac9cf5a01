// Two-factor sign-in: turning it on shows a QR code of a fresh secret (and the secret as text)
// and asks for a code from the app, then shows the recovery codes once; turning it off, or a
// new set of recovery codes, asks for a current code.
import { Alert, Badge, Button, Code, Group, Image, Stack, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import qrcode from "qrcode-generator";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import {
  patchSettings,
  regenerateRecoveryCodes,
  twoFactorSecret,
} from "../../api/account/userSettings";
import { useSession } from "../../api/session";
import { errorMessage } from "../../lib/errors";
import { useSubmit } from "../../lib/form";
import { NewRecoveryCodes, RecoveryCodesLeft } from "./RecoveryCodes";
import { Section } from "./Section";

type Step =
  | { kind: "idle" }
  | { kind: "enrol"; secret: string }
  | { kind: "disable" }
  | { kind: "renew" }
  | { kind: "codes"; codes: string[] };

/** The `otpauth://` address authenticator apps read from the QR code. */
export function otpauthUri(secret: string, account: string, issuer: string): string {
  const label = encodeURIComponent(`${issuer}:${account}`);
  return `otpauth://totp/${label}?secret=${secret}&issuer=${encodeURIComponent(issuer)}`;
}

function qrDataUrl(text: string): string {
  const qr = qrcode(0, "M");
  qr.addData(text);
  qr.make();
  return qr.createDataURL(5, 4);
}

/** The steps of the section and what a typed code does in each. */
function useTwoFactorSteps() {
  const { t } = useTranslation();
  const [step, setStep] = useState<Step>({ kind: "idle" });
  const [code, setCode] = useState("");

  const { busy, error, setError, submit } = useSubmit(async () => {
    if (step.kind === "renew") {
      setStep({ kind: "codes", codes: await regenerateRecoveryCodes(code) });
      return;
    }
    const enrol = step.kind === "enrol";
    const codes = await patchSettings({ two_fa_enabled: enrol, two_fa_code: code });
    notifications.show({
      color: "green",
      message: t(enrol ? "settings.twoFa.enabled" : "settings.twoFa.disabled"),
    });
    setStep(enrol && codes ? { kind: "codes", codes } : { kind: "idle" });
  });

  const go = (next: Step) => {
    setError(null);
    setCode("");
    setStep(next);
  };
  const start = async () => {
    try {
      go({ kind: "enrol", secret: await twoFactorSecret() });
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return { step, go, start, code, setCode, busy, error, submit };
}

export function TwoFactorSection({ enabled, codesLeft }: { enabled: boolean; codesLeft?: number }) {
  const { t } = useTranslation();
  const { step, go, start, code, setCode, busy, error, submit } = useTwoFactorSteps();
  const idle = () => go({ kind: "idle" });

  return (
    <Section id="2fa" title={t("settings.twoFa.title")} description={t("settings.twoFa.intro")}>
      <Group gap="xs">
        <Text size="sm">{t("settings.twoFa.state")}</Text>
        <Badge variant="dot" color={enabled ? "green" : "gray"}>
          {enabled ? t("settings.on") : t("settings.off")}
        </Badge>
      </Group>
      {step.kind === "codes" ? (
        <NewRecoveryCodes codes={step.codes} onDone={idle} />
      ) : step.kind === "idle" ? (
        <>
          {enabled && codesLeft !== undefined && (
            <RecoveryCodesLeft left={codesLeft} onRenew={() => go({ kind: "renew" })} />
          )}
          <Group>
            {enabled ? (
              <Button variant="default" color="red" onClick={() => go({ kind: "disable" })}>
                {t("settings.twoFa.turnOff")}
              </Button>
            ) : (
              <Button onClick={start}>{t("settings.twoFa.turnOn")}</Button>
            )}
          </Group>
        </>
      ) : (
        <form onSubmit={submit}>
          <Stack gap="sm">
            {step.kind === "enrol" && <EnrolQr secret={step.secret} />}
            <CodeField code={code} setCode={setCode} />
            {error && (
              <Alert color="red" role="alert">
                {error}
              </Alert>
            )}
            <CodeButtons kind={step.kind} busy={busy} ready={code.length === 6} cancel={idle} />
          </Stack>
        </form>
      )}
      {step.kind === "idle" && error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
    </Section>
  );
}

/** The QR code of the secret for an authenticator app, and the secret to type instead. */
function EnrolQr({ secret }: { secret: string }) {
  const { t } = useTranslation();
  const user = useSession()?.user;
  const uri = otpauthUri(secret, user?.email ?? "", "Stratus");
  const qr = useMemo(() => qrDataUrl(uri), [uri]);
  return (
    <>
      <Text size="sm">{t("settings.twoFa.scan")}</Text>
      <Image
        src={qr}
        alt={t("settings.twoFa.qr")}
        w={180}
        h={180}
        fit="contain"
        style={{ imageRendering: "pixelated", background: "#fff" }}
      />
      <Text size="sm">
        {t("settings.twoFa.secret")} <Code data-testid="totp-secret">{secret}</Code>
      </Text>
    </>
  );
}

function CodeField({ code, setCode }: { code: string; setCode: (code: string) => void }) {
  const { t } = useTranslation();
  return (
    <>
      <Text size="sm">{t("settings.twoFa.enterCode")}</Text>
      <TextInput
        label={t("signIn.otp")}
        inputMode="numeric"
        autoComplete="one-time-code"
        maxLength={6}
        w={160}
        value={code}
        onChange={(e) => setCode(e.currentTarget.value.replace(/\D/g, ""))}
      />
    </>
  );
}

function CodeButtons({
  kind,
  busy,
  ready,
  cancel,
}: {
  kind: "enrol" | "disable" | "renew";
  busy: boolean;
  /** Six digits were typed. */
  ready: boolean;
  cancel: () => void;
}) {
  const { t } = useTranslation();
  const label = {
    enrol: "settings.twoFa.confirmOn",
    disable: "settings.twoFa.confirmOff",
    renew: "settings.twoFa.confirmNewCodes",
  } as const;
  return (
    <Group>
      <Button type="submit" loading={busy} disabled={!ready}>
        {t(label[kind])}
      </Button>
      <Button variant="default" onClick={cancel}>
        {t("common.cancel")}
      </Button>
    </Group>
  );
}
