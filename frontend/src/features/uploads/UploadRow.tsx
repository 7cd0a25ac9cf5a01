// One upload of the transfer panel: its path, progress and status, and what can be done to it
// (resume a paused one with its file picked again, retry a failed one, cancel).
import { ActionIcon, Group, Progress, Stack, Text, Tooltip } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconPlayerPlay, IconRefresh, IconX } from "@tabler/icons-react";
import type { TFunction } from "i18next";
import { type RefObject, useRef } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../api/client";
import { errorMessage } from "../../lib/errors";
import { formatBytes } from "../../lib/format";
import { cancelUpload, QuotaError, resumeUpload, retryUpload, type Upload } from "./manager";
import { quotaMessage } from "./start";
import { formatDuration, RUNNING } from "./transferTotals";
import classes from "./UploadPanel.module.css";

function uploadError(error: unknown): string {
  if (error instanceof QuotaError) return quotaMessage(error);
  return errorMessage(error);
}

export function UploadRow({ upload }: { upload: Upload }) {
  const { t } = useTranslation();
  const picker = useRef<HTMLInputElement>(null);
  const shown = percentOf(upload);
  const cancelable = RUNNING.has(upload.status) || upload.status === "paused";
  const retriable =
    upload.status === "error" &&
    !(upload.error instanceof QuotaError) &&
    !(upload.error instanceof ApiError && upload.error.code === 40051);

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
        <RowActions
          upload={upload}
          cancelable={cancelable}
          retriable={retriable}
          resume={() => picker.current?.click()}
        />
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
        {rowStatus(upload, t)}
      </Text>
      {upload.status === "paused" && <ResumeInput upload={upload} picker={picker} />}
    </Stack>
  );
}

/** The status line: the error, else the state with percent and size (and speed, time left). */
function rowStatus(upload: Upload, t: TFunction): string {
  const shown = percentOf(upload);
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
}

function percentOf(upload: Upload): number {
  if (upload.status === "done") return 100;
  return upload.size ? Math.floor((Math.min(upload.loaded, upload.size) / upload.size) * 100) : 100;
}

function RowActions({
  upload,
  cancelable,
  retriable,
  resume,
}: {
  upload: Upload;
  cancelable: boolean;
  retriable: boolean;
  /** Opens the file picker of a paused upload. */
  resume: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Group gap={2} wrap="nowrap">
      {upload.status === "paused" && (
        <Tooltip label={t("transfer.resumeHint")}>
          <ActionIcon
            size="sm"
            variant="light"
            aria-label={t("transfer.resume", { name: upload.name })}
            onClick={resume}
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
  );
}

/** The hidden picker of a paused upload: the same file again resumes it. */
function ResumeInput({
  upload,
  picker,
}: {
  upload: Upload;
  picker: RefObject<HTMLInputElement | null>;
}) {
  const { t } = useTranslation();
  return (
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
  );
}
