// One backup record: its numbers, its error, and its log — live while the run goes on (the
// log stream), as saved once it ended — with download, restore and delete.
import "@mantine/core/styles/Drawer.css";
import "@mantine/core/styles/Radio.css";
import {
  Alert,
  Badge,
  Box,
  Button,
  Drawer,
  Group,
  Loader,
  Radio,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from "@mantine/core";
import { IconDownload, IconRestore, IconTrash } from "@tabler/icons-react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { formatBytes, formatDate } from "../../../../lib/format";
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
import { downloadRecord, restoreRecord } from "./recordIoApi";
import { useRecordLog } from "./recordLogApi";

export const STATUS_COLORS: Record<string, string> = {
  queued: "gray",
  running: "blue",
  completed: "green",
  failed: "red",
};

export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <Badge miw="max-content" variant="dot" color={STATUS_COLORS[status] ?? "gray"}>
      {status in STATUS_COLORS
        ? t(`admin.backup.records.statuses.${status}` as "admin.backup.records.statuses.queued")
        : status}
    </Badge>
  );
}

/** Seconds as "1 h 2 min 3 s". */
export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  return [h && `${h} h`, m && `${m} min`, `${s} s`].filter(Boolean).join(" ");
}

function LiveLog({ record, onEnd }: { record: BackupRecordDetail; onEnd: () => void }) {
  const { t } = useTranslation();
  const live = useRecordLog(record.id, onEnd);
  return <LogBox lines={live.lines} busy={live.open} label={t("admin.backup.records.log")} />;
}

function LogBox({ lines, busy, label }: { lines: string[]; busy: boolean; label: string }) {
  const { t } = useTranslation();
  const end = useRef<HTMLDivElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: follow each new line
  useEffect(() => {
    end.current?.scrollIntoView({ block: "nearest" });
  }, [lines.length]);
  return (
    <Stack gap={4}>
      <Group gap="xs">
        <Text size="sm" fw={600}>
          {label}
        </Text>
        {busy && <Loader size={12} aria-label={t("admin.backup.records.following")} />}
      </Group>
      <Box
        role="log"
        aria-label={label}
        aria-live="polite"
        p="xs"
        ff="monospace"
        fz="xs"
        bg="var(--mantine-color-default-hover)"
        style={{
          maxHeight: 360,
          overflow: "auto",
          whiteSpace: "pre-wrap",
          wordBreak: "break-word",
          borderRadius: 4,
        }}
      >
        {lines.length === 0 ? t("admin.backup.records.noLog") : lines.join("\n")}
        <div ref={end} />
      </Box>
    </Stack>
  );
}

export function RecordDrawer(props: { id: number; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const key = ["admin", RECORDS_LIST, "detail", props.id];
  const record = useQuery({ queryKey: key, queryFn: () => getRecord(props.id) });
  const [restoring, setRestoring] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const ended = () => void queryClient.invalidateQueries({ queryKey: ["admin", RECORDS_LIST] });

  const r = record.data;
  // The task's kind says what the record holds, while the task exists.
  const task = useAllTasks().data?.find((x) => x.id === r?.task_id);
  const kind = task?.kind;
  const fields = r
    ? [
        {
          k: "trigger",
          v: t(
            `admin.backup.records.triggers.${r.trigger}` as "admin.backup.records.triggers.manual",
          ),
        },
        { k: "files", v: r.files.toLocaleString(i18n.language) },
        { k: "size", v: formatBytes(r.size) },
        { k: "newBytes", v: formatBytes(r.new_bytes) },
        { k: "started", v: r.started_at ? formatDate(r.started_at, i18n.language) : "—" },
        { k: "finished", v: r.finished_at ? formatDate(r.finished_at, i18n.language) : "—" },
        { k: "duration", v: r.duration != null ? formatDuration(r.duration) : "—" },
        { k: "name", v: r.name },
      ]
    : [];

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
        <Stack gap="md">
          <StatusBadge status={r.status} />
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
          {r.error && (
            <Alert color="red" title={t("admin.backup.records.error")}>
              <Text size="sm" style={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }}>
                {r.error}
              </Text>
            </Alert>
          )}
          <Group gap="sm">
            <Button
              variant="default"
              leftSection={<IconDownload size={16} />}
              disabled={r.status !== "completed"}
              onClick={async () => {
                setMessage(null);
                try {
                  await downloadRecord(r.id, `${r.name}.${kind === "instance" ? "tar" : "zip"}`);
                } catch (e) {
                  setMessage({ ok: false, text: serverWords(e) });
                }
              }}
            >
              {t("admin.backup.records.download")}
            </Button>
            <Button
              variant="default"
              leftSection={<IconRestore size={16} />}
              disabled={r.status !== "completed" || kind === "instance"}
              onClick={() => setRestoring(true)}
            >
              {t("admin.backup.records.restore")}
            </Button>
            <Button
              variant="default"
              color="red"
              leftSection={<IconTrash size={16} />}
              disabled={isLive(r)}
              onClick={() => setDeleting(true)}
            >
              {t("admin.backup.delete")}
            </Button>
          </Group>
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
            <LiveLog record={r} onEnd={ended} />
          ) : (
            <LogBox
              lines={r.log ? r.log.replace(/\n$/, "").split("\n") : []}
              busy={false}
              label={t("admin.backup.records.log")}
            />
          )}
        </Stack>
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

function RestoreDialog(props: { id: number; onClose: () => void; onDone: () => void }) {
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
