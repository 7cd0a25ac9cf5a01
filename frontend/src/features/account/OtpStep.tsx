// The second step of a sign-in with 2FA: the 6-digit code of the authenticator, or, for a lost
// phone, one of the recovery codes (the server tells them apart by their shape).
import { Anchor, PinInput, Text, TextInput } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";

export function OtpStep({ otp, setOtp }: { otp: string; setOtp: (otp: string) => void }) {
  const { t } = useTranslation();
  const [recovery, setRecovery] = useState(false);
  const toggle = () => {
    setOtp("");
    setRecovery(!recovery);
  };
  return (
    <>
      <Text>{recovery ? t("signIn.recoveryIntro") : t("signIn.otpIntro")}</Text>
      {recovery ? (
        <TextInput
          label={t("signIn.recoveryCode")}
          placeholder="xxxx-xxxx-xxxx"
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          autoFocus
          maxLength={20}
          value={otp}
          onChange={(e) => setOtp(e.currentTarget.value)}
        />
      ) : (
        <PinInput
          length={6}
          type="number"
          oneTimeCode
          autoFocus
          aria-label={t("signIn.otp")}
          value={otp}
          onChange={setOtp}
        />
      )}
      <Anchor component="button" type="button" size="sm" onClick={toggle}>
        {recovery ? t("signIn.useAuthenticator") : t("signIn.useRecoveryCode")}
      </Anchor>
    </>
  );
}
