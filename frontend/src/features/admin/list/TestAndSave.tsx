// What the dialogs that can test before they save share (backup targets, notification
// channels): the test and the save, each spinning its own button; the outcome in the server's
// words; and the footer's three buttons.
import { Alert, Button, Group, Text } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { serverWords } from "../errors";

export type Outcome = { ok: boolean; text: string };

/** `test` resolves to what to say when it passed; `save` closes the dialog when it succeeds. */
export function useTestAndSave(props: {
  test: () => Promise<string>;
  save: () => Promise<unknown>;
  onSaved: () => void;
  onClose: () => void;
}) {
  const [busy, setBusy] = useState<"test" | "save" | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  async function act(what: "test" | "save") {
    setBusy(what);
    setOutcome(null);
    try {
      if (what === "test") {
        setOutcome({ ok: true, text: await props.test() });
      } else {
        await props.save();
        props.onSaved();
        props.onClose();
      }
    } catch (e) {
      setOutcome({ ok: false, text: serverWords(e) });
    } finally {
      setBusy(null);
    }
  }
  return { busy, outcome, act };
}

export function OutcomeAlert(props: { outcome: Outcome; okTitle?: string; failedTitle: string }) {
  const { outcome } = props;
  return (
    <Alert
      color={outcome.ok ? "green" : "red"}
      role={outcome.ok ? "status" : "alert"}
      title={outcome.ok ? props.okTitle : props.failedTitle}
    >
      <Text size="sm" style={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }}>
        {outcome.text}
      </Text>
    </Alert>
  );
}

export function TestSaveButtons(props: {
  testLabel: string;
  busy: "test" | "save" | null;
  ready: boolean;
  act: (what: "test" | "save") => Promise<void>;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Group justify="flex-end" gap="sm">
      <Button variant="default" onClick={props.onClose}>
        {t("common.cancel")}
      </Button>
      <Button
        variant="light"
        onClick={() => void props.act("test")}
        loading={props.busy === "test"}
        disabled={!props.ready}
      >
        {props.testLabel}
      </Button>
      <Button
        onClick={() => void props.act("save")}
        loading={props.busy === "save"}
        disabled={!props.ready}
      >
        {t("admin.save")}
      </Button>
    </Group>
  );
}
