// A backup record's log: live while the run goes on (the log stream), as saved once it ended;
// the box follows each new line.
import { Box, Group, Loader, Stack, Text } from "@mantine/core";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import type { BackupRecordDetail } from "./backupApi";
import { useRecordLog } from "./recordLogApi";

export function LiveLog({ record, onEnd }: { record: BackupRecordDetail; onEnd: () => void }) {
  const { t } = useTranslation();
  const live = useRecordLog(record.id, onEnd);
  return <LogBox lines={live.lines} busy={live.open} label={t("admin.backup.records.log")} />;
}

export function LogBox({ lines, busy, label }: { lines: string[]; busy: boolean; label: string }) {
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
