// Cleaning up ended tasks by age, after saying what will go.
import { Select, Text } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ConfirmModal } from "../../ConfirmModal";
import { cleanUpTasks } from "./queueApi";

const CLEANUP_AGES = ["0", "1", "7", "30"] as const;

export function CleanupDialog(props: { onClose: () => void; onDone: () => Promise<void> }) {
  const { t } = useTranslation();
  const [age, setAge] = useState<string>("7");
  return (
    <ConfirmModal
      title={t("admin.tasks.cleanupTitle")}
      confirmLabel={t("admin.tasks.cleanupConfirm")}
      danger
      onConfirm={async () => {
        await cleanUpTasks(Number(age));
        await props.onDone();
      }}
      onClose={props.onClose}
    >
      <Text size="sm">{t("admin.tasks.cleanupBody")}</Text>
      <Select
        label={t("admin.tasks.cleanupAge")}
        data={CLEANUP_AGES.map((value) => ({
          value,
          label: t(`admin.tasks.ages.d${value}` as "admin.tasks.ages.d0"),
        }))}
        value={age}
        onChange={(value) => setAge(value ?? "7")}
        allowDeselect={false}
      />
    </ConfirmModal>
  );
}
