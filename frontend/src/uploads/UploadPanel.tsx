// The transfer panel: every upload with its progress, the total, cancel and clear.
import {
  ActionIcon,
  CloseButton,
  Group,
  Paper,
  Progress,
  ScrollArea,
  Stack,
  Text,
} from "@mantine/core";
import { IconChevronDown, IconChevronUp, IconX } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { formatBytes } from "../lib/format";
import { listKey } from "../pages/explorer/listing";
import { queryClient } from "../queryClient";
import { cancelUpload, clearFinished, onUploadFinished, type Upload, useUploads } from "./manager";
import classes from "./UploadPanel.module.css";

onUploadFinished((folder) => {
  queryClient.invalidateQueries({ queryKey: listKey(folder) });
  queryClient.invalidateQueries({ queryKey: ["capacity"] });
});

export function UploadPanel() {
  const { t } = useTranslation();
  const uploads = useUploads();
  const [collapsed, setCollapsed] = useState(false);
  if (uploads.length === 0) return null;

  const size = uploads.reduce((sum, u) => sum + u.size, 0);
  const loaded = uploads.reduce((sum, u) => sum + Math.min(u.loaded, u.size), 0);
  const total = size ? Math.round((loaded / size) * 100) : 100;
  const active = uploads.some((u) => u.status === "queued" || u.status === "uploading");

  return (
    <Paper
      className={classes.panel}
      shadow="lg"
      withBorder
      role="region"
      aria-label={t("uploads.title")}
    >
      <Group justify="space-between" p="xs" wrap="nowrap">
        <Text fw={600} size="sm" data-testid="upload-total">
          {t(active ? "uploads.progress" : "uploads.finished", { percent: total })}
        </Text>
        <Group gap={4} wrap="nowrap">
          <ActionIcon
            variant="subtle"
            color="gray"
            aria-label={t(collapsed ? "uploads.expand" : "uploads.collapse")}
            onClick={() => setCollapsed(!collapsed)}
          >
            {collapsed ? <IconChevronUp size={16} /> : <IconChevronDown size={16} />}
          </ActionIcon>
          {!active && <CloseButton aria-label={t("uploads.clear")} onClick={clearFinished} />}
        </Group>
      </Group>
      <Progress value={total} size="xs" radius={0} aria-label={t("uploads.total")} />
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
  );
}

function UploadRow({ upload }: { upload: Upload }) {
  const { t } = useTranslation();
  const percent = upload.size
    ? Math.round((Math.min(upload.loaded, upload.size) / upload.size) * 100)
    : 100;
  const shown = upload.status === "done" ? 100 : percent;
  const running = upload.status === "queued" || upload.status === "uploading";
  return (
    <Stack gap={4} px="xs" py={6} className={classes.row} data-status={upload.status}>
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Text size="sm" truncate="end" title={upload.name}>
          {upload.name}
        </Text>
        {running && (
          <ActionIcon
            size="sm"
            variant="subtle"
            color="gray"
            aria-label={t("uploads.cancel", { name: upload.name })}
            onClick={() => cancelUpload(upload.id)}
          >
            <IconX size={14} />
          </ActionIcon>
        )}
      </Group>
      <Progress
        value={shown}
        size="sm"
        color={upload.status === "error" ? "red" : upload.status === "done" ? "teal" : undefined}
        aria-label={t("uploads.fileProgress", { name: upload.name })}
      />
      <Text size="xs" c={upload.status === "error" ? "red" : "dimmed"}>
        {upload.status === "error"
          ? upload.error
          : t(`uploads.status.${upload.status}`, {
              percent: shown,
              size: formatBytes(upload.size),
            })}
      </Text>
    </Stack>
  );
}
