// Asks what to do with a file whose name is taken: a new version of it, a numbered copy, or
// skip it; optionally for every other conflict of the same upload.
import { Button, Checkbox, Group, Modal, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useConflictQuestion } from "./conflicts";

export default function ConflictDialog() {
  const { t } = useTranslation();
  const question = useConflictQuestion();
  const [forAll, setForAll] = useState(false);
  if (!question) return null;
  const answer = (choice: "overwrite" | "rename" | "skip") => {
    question.answer(choice, forAll);
    setForAll(false);
  };
  return (
    <Modal
      opened
      onClose={() => answer("skip")}
      title={t("transfer.conflictTitle")}
      centered
      zIndex={400}
    >
      <Stack>
        <Text size="sm">{t("transfer.conflictBody", { name: question.name })}</Text>
        <Checkbox
          label={t("transfer.conflictAll")}
          checked={forAll}
          onChange={(e) => setForAll(e.currentTarget.checked)}
        />
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={() => answer("skip")}>
            {t("transfer.conflictSkip")}
          </Button>
          <Button variant="default" onClick={() => answer("rename")}>
            {t("transfer.conflictRename")}
          </Button>
          <Button onClick={() => answer("overwrite")} data-autofocus>
            {t("transfer.conflictOverwrite")}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
