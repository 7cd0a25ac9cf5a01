// The record drawer's parts: the record's numbers, and its download, restore and delete buttons.
import { Button, Group, SimpleGrid, Text } from "@mantine/core";
import { IconDownload, IconRestore, IconTrash } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { formatBytes, formatDate } from "../../../../lib/format";
import { serverWords } from "../../errors";
import { type BackupRecordDetail, isLive } from "./backupApi";
import { downloadRecord } from "./recordIoApi";
import { formatDuration } from "./recordStatus";

export function RecordFields({ r }: { r: BackupRecordDetail }) {
  const { t, i18n } = useTranslation();
  const fields = [
    {
      k: "trigger",
      v: t(`admin.backup.records.triggers.${r.trigger}` as "admin.backup.records.triggers.manual"),
    },
    { k: "files", v: r.files.toLocaleString(i18n.language) },
    { k: "size", v: formatBytes(r.size) },
    { k: "newBytes", v: formatBytes(r.new_bytes) },
    { k: "started", v: r.started_at ? formatDate(r.started_at, i18n.language) : "—" },
    { k: "finished", v: r.finished_at ? formatDate(r.finished_at, i18n.language) : "—" },
    { k: "duration", v: r.duration != null ? formatDuration(r.duration) : "—" },
    { k: "name", v: r.name },
  ];
  return (
    <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="xs" verticalSpacing={4}>
      {fields.map((f) => (
        <Group key={f.k} gap="xs" wrap="nowrap">
          <Text size="sm" c="dimmed" style={{ whiteSpace: "nowrap" }}>
            {t(`admin.backup.records.${f.k}` as "admin.backup.records.files")}
          </Text>
          <Text size="sm" style={{ wordBreak: "break-all" }}>
            {f.v}
          </Text>
        </Group>
      ))}
    </SimpleGrid>
  );
}

export function RecordActions(props: {
  r: BackupRecordDetail;
  kind?: string;
  onMessage: (m: { ok: boolean; text: string } | null) => void;
  onRestore: () => void;
  onDelete: () => void;
}) {
  const { t } = useTranslation();
  const { r, kind } = props;
  const download = async () => {
    props.onMessage(null);
    try {
      await downloadRecord(r.id, `${r.name}.${kind === "instance" ? "tar" : "zip"}`);
    } catch (e) {
      props.onMessage({ ok: false, text: serverWords(e) });
    }
  };
  return (
    <Group gap="sm">
      <Button
        variant="default"
        leftSection={<IconDownload size={16} />}
        disabled={r.status !== "completed"}
        onClick={download}
      >
        {t("admin.backup.records.download")}
      </Button>
      <Button
        variant="default"
        leftSection={<IconRestore size={16} />}
        disabled={r.status !== "completed" || kind === "instance"}
        onClick={props.onRestore}
      >
        {t("admin.backup.records.restore")}
      </Button>
      <Button
        variant="default"
        color="red"
        leftSection={<IconTrash size={16} />}
        disabled={isLive(r)}
        onClick={props.onDelete}
      >
        {t("admin.backup.delete")}
      </Button>
    </Group>
  );
}
