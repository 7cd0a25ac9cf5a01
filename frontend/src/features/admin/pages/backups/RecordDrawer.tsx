// One backup record: its numbers, its error, and its log — live while the run goes on (the
// log stream), as saved once it ended — with download, restore and delete.
import "@mantine/core/styles/Drawer.css";
import "@mantine/core/styles/Radio.css";
import { Alert, Drawer, Loader, Stack, Text } from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ConfirmModal } from "../../ConfirmModal";
import { serverWords } from "../../errors";
import {
  type BackupRecordDetail,
  deleteRecord,
  getRecord,
  isLive,
  RECORDS_LIST,
  useAllTasks,
} from "./backupApi";
import { LiveLog, LogBox } from "./RecordLog";
import { RecordActions, RecordFields } from "./RecordParts";
import { RestoreDialog } from "./RestoreDialog";
import { StatusBadge } from "./recordStatus";

export function RecordDrawer(props: { id: number; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const key = ["admin", RECORDS_LIST, "detail", props.id];
  const record = useQuery({ queryKey: key, queryFn: () => getRecord(props.id) });
  const [restoring, setRestoring] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [message, setMessage] = useState<Message>(null);
  const ended = () => void queryClient.invalidateQueries({ queryKey: ["admin", RECORDS_LIST] });

  const r = record.data;
  // The task's kind says what the record holds, while the task exists.
  const task = useAllTasks().data?.find((x) => x.id === r?.task_id);
  const kind = task?.kind;

  return (
    <Drawer
      opened
      onClose={props.onClose}
      position="right"
      size="xl"
      title={t("admin.backup.records.detailTitle", { id: props.id, task: task?.name ?? "" })}
    >
      {record.isPending ? (
        <Loader aria-label={t("admin.list.loading")} />
      ) : record.isError ? (
        <Alert color="red" role="alert">
          {serverWords(record.error)}
        </Alert>
      ) : r ? (
        <RecordBody
          r={r}
          kind={kind}
          message={message}
          onMessage={setMessage}
          onRestore={() => setRestoring(true)}
          onDelete={() => setDeleting(true)}
          onEnd={ended}
        />
      ) : null}
      {restoring && r && (
        <RestoreDialog
          id={r.id}
          onClose={() => setRestoring(false)}
          onDone={() => setMessage({ ok: true, text: t("admin.backup.records.restoreQueued") })}
        />
      )}
      {deleting && r && (
        <ConfirmModal
          title={t("admin.backup.records.deleteTitle", { id: r.id })}
          confirmLabel={t("admin.backup.delete")}
          danger
          onClose={() => setDeleting(false)}
          onConfirm={async () => {
            await deleteRecord(r.id);
            await queryClient.invalidateQueries({ queryKey: ["admin", RECORDS_LIST] });
            props.onClose();
          }}
        >
          <Text size="sm">{t("admin.backup.records.deleteWhat")}</Text>
        </ConfirmModal>
      )}
    </Drawer>
  );
}

type Message = { ok: boolean; text: string } | null;

/** The record's status, numbers, error, buttons and log. */
function RecordBody(props: {
  r: BackupRecordDetail;
  kind?: string;
  message: Message;
  onMessage: (m: Message) => void;
  onRestore: () => void;
  onDelete: () => void;
  onEnd: () => void;
}) {
  const { t } = useTranslation();
  const { r, kind, message } = props;
  return (
    <Stack gap="md">
      <StatusBadge status={r.status} />
      <RecordFields r={r} />
      {r.error && (
        <Alert color="red" title={t("admin.backup.records.error")}>
          <Text size="sm" style={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }}>
            {r.error}
          </Text>
        </Alert>
      )}
      <RecordActions
        r={r}
        kind={kind}
        onMessage={props.onMessage}
        onRestore={props.onRestore}
        onDelete={props.onDelete}
      />
      {kind === "instance" && (
        <Text size="xs" c="dimmed">
          {t("admin.backup.records.instanceRestoreHint")}
        </Text>
      )}
      {message && (
        <Alert color={message.ok ? "green" : "red"} role={message.ok ? "status" : "alert"}>
          {message.text}
        </Alert>
      )}
      {isLive(r) ? (
        <LiveLog record={r} onEnd={props.onEnd} />
      ) : (
        <LogBox
          lines={r.log ? r.log.replace(/\n$/, "").split("\n") : []}
          busy={false}
          label={t("admin.backup.records.log")}
        />
      )}
    </Stack>
  );
}
