// A new password typed twice, under the site's length rule: sign-up, the reset page and the
// settings' password change ask for it the same way.
import { type MantineSpacing, PasswordInput, Stack } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";

export function useNewPassword() {
  const { t } = useTranslation();
  const [password, setPassword] = useState("");
  const [repeat, setRepeat] = useState("");
  return {
    password,
    setPassword,
    repeat,
    setRepeat,
    /** What to show when the two differ; null when they match. */
    mismatch: () => (password === repeat ? null : t("account.passwordsDiffer")),
    clear: () => {
      setPassword("");
      setRepeat("");
    },
  };
}

export function NewPasswordFields({
  value,
  label,
  autoFocus,
  mt,
}: {
  value: ReturnType<typeof useNewPassword>;
  label: string;
  autoFocus?: boolean;
  mt?: MantineSpacing;
}) {
  const { t } = useTranslation();
  return (
    <Stack gap="sm" mt={mt}>
      <PasswordInput
        label={label}
        description={t("account.passwordRule")}
        autoComplete="new-password"
        required
        minLength={6}
        maxLength={128}
        autoFocus={autoFocus}
        value={value.password}
        onChange={(e) => value.setPassword(e.currentTarget.value)}
      />
      <PasswordInput
        label={t("account.repeatPassword")}
        autoComplete="new-password"
        required
        value={value.repeat}
        onChange={(e) => value.setRepeat(e.currentTarget.value)}
      />
    </Stack>
  );
}
