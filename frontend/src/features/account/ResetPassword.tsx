// The page of the reset link: a new password, sent with the link's secret.
import { Alert, Button, Text } from "@mantine/core";
import { useSearch } from "@tanstack/react-router";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { resetPassword } from "../../api/account/account";
import { AuthCard } from "../../components/AuthCard";
import { AnchorLink } from "../../components/links";
import { NewPasswordFields, useNewPassword } from "../../components/NewPassword";
import { useSubmit } from "../../lib/form";

export default function ResetPassword() {
  const { t } = useTranslation();
  const { id, secret } = useSearch({ from: "/session/reset" });
  const newPassword = useNewPassword();
  const [done, setDone] = useState(false);

  const { busy, error, setError, submit } = useSubmit(async () => {
    const mismatch = newPassword.mismatch();
    if (mismatch) {
      setError(mismatch);
      return;
    }
    await resetPassword(id ?? "", { password: newPassword.password, secret: secret ?? "" });
    setDone(true);
  });

  return (
    <AuthCard title={t("account.resetTitle")}>
      {!id || !secret ? (
        <Alert color="red" role="alert">
          {t("account.linkBroken")}
        </Alert>
      ) : done ? (
        <Alert color="green" role="status">
          {t("account.resetDone")}
        </Alert>
      ) : (
        <form onSubmit={submit}>
          <NewPasswordFields value={newPassword} label={t("account.newPassword")} autoFocus />
          {error && (
            <Text c="red" role="alert" mt="sm">
              {error}
            </Text>
          )}
          <Button type="submit" loading={busy} fullWidth mt="md">
            {t("account.setPassword")}
          </Button>
        </form>
      )}
      <AnchorLink to="/session">{t("account.toSignIn")}</AnchorLink>
    </AuthCard>
  );
}
