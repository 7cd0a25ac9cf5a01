// A backup record's status as a coloured badge, and its run time in words.
import { Badge } from "@mantine/core";
import { useTranslation } from "react-i18next";

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
