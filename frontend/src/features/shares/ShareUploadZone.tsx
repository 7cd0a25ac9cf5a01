// The page of an upload-only share: a drop zone and a button to choose files, each upload with
// its progress. Nothing of the folder is shown: the visitor only gives.
import { Button, Group, Paper, Progress, Stack, Text, Title } from "@mantine/core";
import { IconCircleCheck, IconCloudUpload, IconUpload } from "@tabler/icons-react";
import { type DragEvent, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Share } from "../../api/sharing/shares";
import { formatBytes } from "../../lib/format";
import { type Dropped, useShareUploads } from "./useShareUploads";

type Props = { share: Share; id: string; password?: string };

export function ShareUploadZone({ share, id, password }: Props) {
  const { t } = useTranslation();
  const uploads = useShareUploads(id, password);
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const drop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    if (event.dataTransfer.files.length) uploads.add(event.dataTransfer.files);
  };
  return (
    <Stack gap="sm">
      <Paper
        withBorder
        p="xl"
        data-testid="share-drop-zone"
        aria-label={t("shareMore.dropLabel")}
        component="section"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={drop}
        style={{
          borderStyle: "dashed",
          borderWidth: 2,
          borderColor: over ? "var(--mantine-primary-color-filled)" : undefined,
        }}
      >
        <Stack align="center" gap="xs" ta="center">
          <IconCloudUpload size={48} stroke={1.4} aria-hidden />
          <Title order={3} size="h4">
            {t("shareMore.dropTitle")}
          </Title>
          <Text c="dimmed" size="sm">
            {share.upload_limit
              ? t("shareMore.dropBodyCap", {
                  cap: formatBytes(share.upload_limit - (share.uploaded ?? 0)),
                })
              : t("shareMore.dropBody")}
          </Text>
          <Button leftSection={<IconUpload size={16} />} onClick={() => input.current?.click()}>
            {t("shareMore.chooseFiles")}
          </Button>
          <input
            ref={input}
            type="file"
            multiple
            hidden
            data-testid="share-upload-input"
            onChange={(e) => {
              if (e.currentTarget.files) uploads.add(e.currentTarget.files);
              e.currentTarget.value = "";
            }}
          />
        </Stack>
      </Paper>
      {uploads.items.map((item) => (
        <UploadLine key={item.key} item={item} />
      ))}
    </Stack>
  );
}

function UploadLine({ item }: { item: Dropped }) {
  const { t } = useTranslation();
  const percent = item.size ? Math.min(100, Math.round((item.sent / item.size) * 100)) : 100;
  return (
    <Paper withBorder p="xs" data-testid="share-upload-item">
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Text size="sm" truncate miw={0}>
          {item.stored ?? item.name}
        </Text>
        <Text size="xs" c={item.state === "failed" ? "red" : "dimmed"} style={{ flexShrink: 0 }}>
          {item.state === "done" ? (
            <Group gap={4} wrap="nowrap">
              <IconCircleCheck size={14} aria-hidden />
              {t("shareMore.uploaded")}
            </Group>
          ) : item.state === "failed" ? (
            item.error
          ) : (
            `${formatBytes(item.sent)} / ${formatBytes(item.size)}`
          )}
        </Text>
      </Group>
      {item.state !== "failed" && item.state !== "done" && (
        <Progress
          value={percent}
          size="sm"
          mt={4}
          aria-label={t("shareMore.progressOf", { name: item.name })}
        />
      )}
    </Paper>
  );
}
