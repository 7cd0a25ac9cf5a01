// Restoring a backup record: where it was, or into a folder named by its URI.
import { Radio, Stack, Text, TextInput } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ConfirmModal } from "../../ConfirmModal";
import { restoreRecord } from "./recordIoApi";

export function RestoreDialog(props: { id: number; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const [where, setWhere] = useState<"origin" | "folder">("origin");
  const [dst, setDst] = useState("cloudreve://my/");
  return (
    <ConfirmModal
      title={t("admin.backup.records.restoreTitle", { id: props.id })}
      confirmLabel={t("admin.backup.records.restore")}
      onClose={props.onClose}
      onConfirm={async () => {
        await restoreRecord(props.id, where === "folder" ? dst.trim() : undefined);
        props.onDone();
      }}
    >
      <Radio.Group value={where} onChange={(v) => setWhere(v as "origin" | "folder")}>
        <Stack gap="xs">
          <Radio value="origin" label={t("admin.backup.records.restoreOrigin")} />
          <Radio value="folder" label={t("admin.backup.records.restoreFolder")} />
        </Stack>
      </Radio.Group>
      {where === "folder" && (
        <TextInput
          label={t("admin.backup.records.restoreDst")}
          description={t("admin.backup.tasks.folderHint")}
          value={dst}
          onChange={(e) => setDst(e.currentTarget.value)}
        />
      )}
      <Text size="sm" c="dimmed">
        {t("admin.backup.records.restoreWhat")}
      </Text>
    </ConfirmModal>
  );
}
