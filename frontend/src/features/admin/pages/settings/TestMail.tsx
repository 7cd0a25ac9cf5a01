// "Send a test mail" with the mail settings as they stand in the form (saved or not); the SMTP
// server's error is shown as it said it.
import { Alert, Button, Group, Stack, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../../../api/client";
import { errorMessage } from "../../../../lib/errors";
import { sendTestMail } from "./settingsApi";

const SMTP_KEYS = [
  "smtpHost",
  "smtpPort",
  "smtpUser",
  "smtpPass",
  "smtpEncryption",
  "fromName",
  "fromAdress",
  "replyTo",
];

export function TestMail({ values }: { values: Record<string, string> }) {
  const { t } = useTranslation();
  const [to, setTo] = useState("");
  const [sending, setSending] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);

  async function send() {
    setSending(true);
    setResult(null);
    // An empty password field means "the saved one": leave it out.
    const settings = Object.fromEntries(
      SMTP_KEYS.filter(
        (k) => values[k] !== undefined && !(k === "smtpPass" && values[k] === ""),
      ).map((k) => [k, values[k]?.trim() ?? ""]),
    );
    try {
      await sendTestMail(to.trim(), settings);
      setResult({ ok: true, text: t("admin.settings.testMail.sent", { to: to.trim() }) });
    } catch (e) {
      const text = e instanceof ApiError && e.code === 40028 ? e.message : errorMessage(e);
      setResult({ ok: false, text });
    } finally {
      setSending(false);
    }
  }

  return (
    <Stack gap="sm">
      <Title order={3} size="h5">
        {t("admin.settings.testMail.title")}
      </Title>
      <Group align="flex-end" wrap="wrap">
        <TextInput
          label={t("admin.settings.testMail.to")}
          type="email"
          value={to}
          onChange={(e) => setTo(e.currentTarget.value)}
          style={{ flex: 1, minWidth: 220 }}
        />
        <Button
          variant="light"
          loading={sending}
          disabled={!/^[^\s@]+@[^\s@]+$/.test(to.trim())}
          onClick={() => void send()}
        >
          {t("admin.settings.testMail.send")}
        </Button>
      </Group>
      {result && (
        <Alert
          color={result.ok ? "green" : "red"}
          role={result.ok ? "status" : "alert"}
          title={result.ok ? undefined : t("admin.settings.testMail.failed")}
          style={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }}
        >
          {result.text}
        </Alert>
      )}
    </Stack>
  );
}
