// Changing the password: the current one (unless the account has none), the new one twice.
import { Button, Group, PasswordInput, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../lib/errors";
import { NewPasswordFields, useNewPassword } from "../account/NewPassword";
import { Section } from "./Section";
import { patchSettings } from "./settingsApi";

export function PasswordSection({ passwordless }: { passwordless: boolean }) {
  const { t } = useTranslation();
  const [current, setCurrent] = useState("");
  const newPassword = useNewPassword();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

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
      await patchSettings({
        ...(passwordless ? {} : { current_password: current }),
        new_password: newPassword.password,
      });
      setCurrent("");
      newPassword.clear();
      notifications.show({ color: "green", message: t("settings.password.changed") });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section id="password" title={t("settings.password.title")}>
      <form onSubmit={submit}>
        <Stack gap="sm" maw={400}>
          {!passwordless && (
            <PasswordInput
              label={t("settings.password.current")}
              autoComplete="current-password"
              required
              value={current}
              onChange={(e) => setCurrent(e.currentTarget.value)}
            />
          )}
          <NewPasswordFields value={newPassword} label={t("account.newPassword")} />
          {error && (
            <Text c="red" role="alert" size="sm">
              {error}
            </Text>
          )}
          <Group>
            <Button type="submit" loading={busy}>
              {t("settings.password.change")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Section>
  );
}
