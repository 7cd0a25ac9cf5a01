// Changing the password: the current one (unless the account has none), the new one twice.
import { Button, Group, PasswordInput, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { patchSettings } from "../../api/account/userSettings";
import { NewPasswordFields, useNewPassword } from "../../components/NewPassword";
import { useSubmit } from "../../lib/form";
import { Section } from "./Section";

export function PasswordSection({ passwordless }: { passwordless: boolean }) {
  const { t } = useTranslation();
  const [current, setCurrent] = useState("");
  const newPassword = useNewPassword();

  const { busy, error, setError, submit } = useSubmit(async () => {
    const mismatch = newPassword.mismatch();
    if (mismatch) {
      setError(mismatch);
      return;
    }
    await patchSettings({
      ...(passwordless ? {} : { current_password: current }),
      new_password: newPassword.password,
    });
    setCurrent("");
    newPassword.clear();
    notifications.show({ color: "green", message: t("settings.password.changed") });
  });

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
