// The transfer panel: every upload with its progress, speed and time left, the total, cancel,
// retry and clear; uploads saved before a reload wait here for their file to be picked again.
import {
  ActionIcon,
  CloseButton,
  Group,
  Paper,
  Progress,
  ScrollArea,
  Stack,
  Text,
  Tooltip,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import {
  IconChevronDown,
  IconChevronUp,
  IconPlayerPlay,
  IconRefresh,
  IconX,
} from "@tabler/icons-react";
import { lazy, Suspense, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { invalidateCapacity } from "../../api/capacity";
import { ApiError } from "../../api/client";
import { listKey } from "../../api/listing";
import { queryClient } from "../../api/queryClient";
import { useSession } from "../../api/session";
import { errorMessage } from "../../lib/errors";
import { formatBytes } from "../../lib/format";
import { useConflictQuestion } from "./conflicts";
import {
  cancelUpload,
  clearFinished,
  onUploadFinished,
  QuotaError,
  restoreSaved,
  resumeUpload,
  retryUpload,
  type Upload,
  useUploads,
} from "./manager";
import { quotaMessage } from "./start";
import classes from "./UploadPanel.module.css";

onUploadFinished((folder) => {
  queryClient.invalidateQueries({ queryKey: listKey(folder) });
  void invalidateCapacity();
});

const RUNNING = new Set(["queued", "uploading"]);

// Loaded with the first conflict: most uploads never need it.
const ConflictDialog = lazy(() => import("./ConflictDialog"));

function ConflictHost() {
  const question = useConflictQuestion();
  if (!question) return null;
  return (
    <Suspense fallback={null}>
      <ConflictDialog />
    </Suspense>
  );
}

/** "1:05", "2:03:10" (time left). */
function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${rest}` : `${m}:${rest}`;
}

function uploadError(error: unknown): string {
  if (error instanceof QuotaError) return quotaMessage(error);
  return errorMessage(error);
}

export function UploadPanel() {
  const { t } = useTranslation();
  const uploads = useUploads();
  const userId = useSession()?.user.id;
  const [collapsed, setCollapsed] = useState(false);

  useEffect(() => {
    if (userId) restoreSaved();
  }, [userId]);

  if (uploads.length === 0) return <ConflictHost />;

  const counted = uploads.filter((u) => u.status !== "canceled" && u.status !== "skipped");
  const size = counted.reduce((sum, u) => sum + u.size, 0);
  const loaded = counted.reduce(
    (sum, u) => sum + (u.status === "done" ? u.size : Math.min(u.loaded, u.size)),
    0,
  );
  const total = size ? Math.floor((loaded / size) * 100) : 100;
  const active = uploads.some((u) => RUNNING.has(u.status));
  const paused = uploads.some((u) => u.status === "paused");
  const failed = uploads.some((u) => u.status === "error");
  const speed = uploads.reduce((sum, u) => sum + u.speed, 0);
  const remaining = counted
    .filter((u) => RUNNING.has(u.status))
    .reduce((sum, u) => sum + u.size - u.loaded, 0);

  return (
    <>
      <ConflictHost />
      <Paper
        className={classes.panel}
        shadow="lg"
        withBorder
        role="region"
        aria-label={t("transfer.title")}
      >
        <Group justify="space-between" p="xs" wrap="nowrap">
          <Stack gap={0} miw={0}>
            <Text fw={600} size="sm" data-testid="upload-total">
              {active
                ? t("transfer.progress", { percent: total })
                : paused
                  ? t("transfer.paused")
                  : failed
                    ? t("transfer.failed")
                    : t("transfer.finished")}
            </Text>
            {active && speed > 0 && (
              <Text size="xs" c="dimmed" data-testid="upload-speed">
                {t("transfer.speed", {
                  speed: formatBytes(speed),
                  left: formatDuration(remaining / speed),
                })}
              </Text>
            )}
          </Stack>
          <Group gap={4} wrap="nowrap">
            <ActionIcon
              variant="subtle"
              color="gray"
              aria-label={t(collapsed ? "transfer.expand" : "transfer.collapse")}
              onClick={() => setCollapsed(!collapsed)}
            >
              {collapsed ? <IconChevronUp size={16} /> : <IconChevronDown size={16} />}
            </ActionIcon>
            {!active && !paused && (
              <CloseButton aria-label={t("transfer.clear")} onClick={clearFinished} />
            )}
          </Group>
        </Group>
        <Progress value={total} size="xs" radius={0} aria-label={t("transfer.total")} />
        {!collapsed && (
          <ScrollArea.Autosize mah={260}>
            <Stack gap={0}>
              {uploads.map((u) => (
                <UploadRow key={u.id} upload={u} />
              ))}
            </Stack>
          </ScrollArea.Autosize>
        )}
      </Paper>
    </>
  );
}

function UploadRow({ upload }: { upload: Upload }) {
  const { t } = useTranslation();
  const picker = useRef<HTMLInputElement>(null);
  const percent = upload.size
    ? Math.floor((Math.min(upload.loaded, upload.size) / upload.size) * 100)
    : 100;
  const shown = upload.status === "done" ? 100 : percent;
  const cancelable = RUNNING.has(upload.status) || upload.status === "paused";
  const retriable =
    upload.status === "error" &&
    !(upload.error instanceof QuotaError) &&
    !(upload.error instanceof ApiError && upload.error.code === 40051);

  const status = () => {
    if (upload.status === "error") return uploadError(upload.error);
    const values = { percent: shown, size: formatBytes(upload.size) };
    if (upload.status === "uploading" && upload.speed > 0) {
      return t("transfer.status.uploadingSpeed", {
        ...values,
        speed: formatBytes(upload.speed),
        left: formatDuration((upload.size - upload.loaded) / upload.speed),
      });
    }
    return t(`transfer.status.${upload.status}`, values);
  };

  return (
    <Stack
      gap={4}
      px="xs"
      py={6}
      className={classes.row}
      data-status={upload.status}
      data-testid="upload-row"
    >
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Text size="sm" truncate="end" title={upload.path}>
          {upload.path}
        </Text>
        <Group gap={2} wrap="nowrap">
          {upload.status === "paused" && (
            <Tooltip label={t("transfer.resumeHint")}>
              <ActionIcon
                size="sm"
                variant="light"
                aria-label={t("transfer.resume", { name: upload.name })}
                onClick={() => picker.current?.click()}
              >
                <IconPlayerPlay size={14} />
              </ActionIcon>
            </Tooltip>
          )}
          {retriable && (
            <ActionIcon
              size="sm"
              variant="subtle"
              color="gray"
              aria-label={t("transfer.retry", { name: upload.name })}
              onClick={() => retryUpload(upload.id)}
            >
              <IconRefresh size={14} />
            </ActionIcon>
          )}
          {cancelable && (
            <ActionIcon
              size="sm"
              variant="subtle"
              color="gray"
              aria-label={t("transfer.cancel", { name: upload.name })}
              onClick={() => cancelUpload(upload.id)}
            >
              <IconX size={14} />
            </ActionIcon>
          )}
        </Group>
      </Group>
      <Progress
        value={shown}
        size="sm"
        color={
          upload.status === "error"
            ? "red"
            : upload.status === "done"
              ? "teal"
              : upload.status === "paused"
                ? "yellow"
                : undefined
        }
        aria-label={t("transfer.fileProgress", { name: upload.name })}
      />
      <Text size="xs" c={upload.status === "error" ? "red" : "dimmed"}>
        {status()}
      </Text>
      {upload.status === "paused" && (
        <input
          ref={picker}
          type="file"
          hidden
          data-testid="resume-input"
          onChange={(e) => {
            const file = e.currentTarget.files?.[0];
            e.currentTarget.value = "";
            if (file && !resumeUpload(upload.id, file)) {
              notifications.show({
                color: "red",
                title: t("transfer.notSameTitle"),
                message: t("transfer.notSame", {
                  name: upload.name,
                  size: formatBytes(upload.size),
                }),
              });
            }
          }}
        />
      )}
    </Stack>
  );
}
