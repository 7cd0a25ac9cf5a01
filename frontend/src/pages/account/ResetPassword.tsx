// The page of the reset link: a new password, sent with the link's secret.
import { Alert, Button, Text } from "@mantine/core";
import { useSearch } from "@tanstack/react-router";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { anonymousApi, unwrap } from "../../api/client";
import { AnchorLink } from "../../components/links";
import { errorMessage } from "../../lib/errors";
import { AuthCard } from "./AuthCard";
import { NewPasswordFields, useNewPassword } from "./NewPassword";

export default function ResetPassword() {
  const { t } = useTranslation();
  const { id, secret } = useSearch({ from: "/session/reset" });
  const newPassword = useNewPassword();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const mismatch = newPassword.mismatch();
    if (mismatch) {
      setError(mismatch);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await unwrap(
        anonymousApi.PATCH("/user/reset/{id}", {
          params: { path: { id: id ?? "" } },
          body: { password: newPassword.password, secret: secret ?? "" },
        }),
      );
      setDone(true);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

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
