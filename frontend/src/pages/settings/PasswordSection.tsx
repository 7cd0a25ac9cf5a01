// Changing the password: the current one (unless the account has none), the new one twice.
import { Button, Group, PasswordInput, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../lib/errors";
import { Section } from "./Section";
import { patchSettings } from "./settingsApi";

export function PasswordSection({ passwordless }: { passwordless: boolean }) {
  const { t } = useTranslation();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [repeat, setRepeat] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (next !== repeat) {
      setError(t("account.passwordsDiffer"));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await patchSettings({
        ...(passwordless ? {} : { current_password: current }),
        new_password: next,
      });
      setCurrent("");
      setNext("");
      setRepeat("");
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
          <PasswordInput
            label={t("account.newPassword")}
            description={t("account.passwordRule")}
            autoComplete="new-password"
            required
            minLength={6}
            maxLength={128}
            value={next}
            onChange={(e) => setNext(e.currentTarget.value)}
          />
          <PasswordInput
            label={t("account.repeatPassword")}
            autoComplete="new-password"
            required
            value={repeat}
            onChange={(e) => setRepeat(e.currentTarget.value)}
          />
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
