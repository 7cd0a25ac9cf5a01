// Testing a saved row (a backup target, a notification channel): the button spins while the
// server tries, and what it said is then shown as it came, in a dialog.
import { Alert, Modal, Text } from "@mantine/core";
import { useState } from "react";
import { serverWords } from "../errors";

export type TestOutcome = { name: string; ok: boolean; text: string };

/** Runs `attempt` for a row; its resolved words (or the failure's) become the outcome. */
export function useRowTest<R extends { id: number; name: string }>(
  attempt: (row: R) => Promise<string>,
) {
  const [testing, setTesting] = useState<number | null>(null);
  const [outcome, setOutcome] = useState<TestOutcome | null>(null);
  async function test(row: R) {
    setTesting(row.id);
    try {
      setOutcome({ name: row.name, ok: true, text: await attempt(row) });
    } catch (e) {
      setOutcome({ name: row.name, ok: false, text: serverWords(e) });
    } finally {
      setTesting(null);
    }
  }
  return { testing, outcome, test, close: () => setOutcome(null) };
}

export function TestResultModal(props: {
  outcome: TestOutcome;
  title: string;
  okTitle?: string;
  failedTitle: string;
  onClose: () => void;
}) {
  const { outcome } = props;
  return (
    <Modal opened onClose={props.onClose} title={props.title}>
      <Alert
        color={outcome.ok ? "green" : "red"}
        role={outcome.ok ? "status" : "alert"}
        title={outcome.ok ? props.okTitle : props.failedTitle}
      >
        <Text size="sm" style={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }}>
          {outcome.text}
        </Text>
      </Alert>
    </Modal>
  );
}
