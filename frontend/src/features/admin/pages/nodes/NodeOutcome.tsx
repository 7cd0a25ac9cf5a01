// What a node or downloader test (or a refused save) came back with, in the server's words.
import { Alert } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { Outcome } from "./useNodeForm";

export function NodeOutcome(props: { outcome: NonNullable<Outcome>; testId?: string }) {
  const { t } = useTranslation();
  const { outcome } = props;
  return (
    <Alert
      color={outcome.ok ? "green" : "red"}
      role={outcome.ok ? "status" : "alert"}
      title={outcome.ok ? undefined : t("admin.nodes.refused")}
      style={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }}
      data-testid={props.testId}
    >
      {outcome.text}
    </Alert>
  );
}
