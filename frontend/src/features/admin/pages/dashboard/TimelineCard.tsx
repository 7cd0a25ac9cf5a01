// The dashboard's timeline of recent activity, newest first: the server's timeline (changes by
// administrators, failed sign-ins, nodes going down and up) merged with the latest backup runs.
import { Alert, Badge, Button, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import type { Schemas } from "../../../../api/client";
import { errorMessage } from "../../../../lib/errors";
import { formatDate } from "../../../../lib/format";
import { listRecords, RECORDS_LIST, useAllTasks } from "../backups/backupApi";
import { useTimelinePages } from "./dashboardApi";

type Entry = { key: string; at: string; kind: string; color: string; text: string };
type TimelineEntry = Schemas["AdminTimelineEntry"];

const KINDS = ["admin_change", "sign_in_failed", "webdav_sign_in_failed", "node_down", "node_up"];

function entryText(e: TimelineEntry, t: TFunction): string {
  const d = (e.details ?? {}) as Record<string, unknown>;
  const who = e.user_nick || e.user_email || t("admin.dashboard.timeline.someone");
  const text = (v: unknown) => (typeof v === "string" || typeof v === "number" ? String(v) : "");
  switch (e.kind) {
    case "admin_change":
      return t("admin.dashboard.timeline.adminChange", {
        who,
        action: text(d.action),
        target: text(d.target),
        id: text(d.id),
      });
    case "sign_in_failed":
    case "webdav_sign_in_failed":
      return t("admin.dashboard.timeline.signInFailed", { who, ip: e.ip ?? "?" });
    case "node_down":
    case "node_up":
      return text(d.node) + (d.error ? ` — ${text(d.error)}` : "");
    default:
      return JSON.stringify(d);
  }
}

const COLORS: Record<string, string> = {
  admin_change: "blue",
  sign_in_failed: "orange",
  webdav_sign_in_failed: "orange",
  node_down: "red",
  node_up: "green",
  completed: "green",
  failed: "red",
  running: "blue",
  queued: "gray",
};

/** The server's timeline merged with the latest backup runs, newest first. */
function useTimeline() {
  const { t } = useTranslation();
  const tasks = useAllTasks();
  const timeline = useTimelinePages();
  const runs = useQuery({
    queryKey: ["admin", RECORDS_LIST, "dashboard", "recent"],
    queryFn: () =>
      listRecords({ page: 1, page_size: 10, order_by: "created_at", order_direction: "desc" }),
  });
  const taskName = (id?: number | null) =>
    tasks.data?.find((x) => x.id === id)?.name ?? `#${id ?? "?"}`;

  const events = (timeline.data?.pages ?? []).flatMap((p) => p.entries);
  const oldestEvent = events.at(-1)?.at;
  const entries: Entry[] = [
    ...events.map((e) => eventEntry(e, t)),
    // Backup runs older than the events shown would sit out of order below "more".
    ...(runs.data?.rows ?? [])
      .filter((r) => !timeline.hasNextPage || !oldestEvent || r.created_at >= oldestEvent)
      .map((r) => ({
        key: `backup:${r.id}`,
        at: r.started_at ?? r.created_at,
        kind: t("admin.dashboard.timeline.kinds.backup"),
        color: COLORS[r.status] ?? "gray",
        text: t("admin.dashboard.timeline.backupRun", {
          task: taskName(r.task_id),
          status: t(
            `admin.backup.records.statuses.${r.status}` as "admin.backup.records.statuses.queued",
          ),
        }),
      })),
  ].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  return { timeline, entries };
}

function eventEntry(e: TimelineEntry, t: TFunction): Entry {
  return {
    key: e.id,
    at: e.at,
    kind: KINDS.includes(e.kind)
      ? t(`admin.dashboard.timeline.kinds.${e.kind}` as "admin.dashboard.timeline.kinds.node_up")
      : e.kind,
    color: COLORS[e.kind] ?? "gray",
    text: entryText(e, t),
  };
}

export function TimelineCard() {
  const { t, i18n } = useTranslation();
  const { timeline, entries } = useTimeline();

  return (
    <Paper withBorder p="sm">
      <Stack gap="xs">
        <Title order={3} size="h5">
          {t("admin.dashboard.timeline.title")}
        </Title>
        {timeline.isError && (
          <Alert color="red" role="alert">
            {errorMessage(timeline.error)}
          </Alert>
        )}
        {entries.length === 0 && !timeline.isPending && (
          <Text size="sm" c="dimmed">
            {t("admin.dashboard.timeline.empty")}
          </Text>
        )}
        <Stack gap={6} component="ol" style={{ listStyle: "none", padding: 0, margin: 0 }}>
          {entries.map((e) => (
            <Group key={e.key} component="li" gap="xs" align="flex-start">
              <Text size="xs" c="dimmed" miw={150} mt={2} style={{ whiteSpace: "nowrap" }}>
                {formatDate(e.at, i18n.language)}
              </Text>
              <Badge size="sm" variant="dot" color={e.color} miw="max-content">
                {e.kind}
              </Badge>
              {/* On a phone the words take a line of their own. */}
              <Text size="sm" style={{ wordBreak: "break-word", flex: "1 1 220px", minWidth: 0 }}>
                {e.text}
              </Text>
            </Group>
          ))}
        </Stack>
        {timeline.hasNextPage && (
          <Button
            variant="subtle"
            size="xs"
            onClick={() => void timeline.fetchNextPage()}
            loading={timeline.isFetchingNextPage}
          >
            {t("admin.dashboard.timeline.more")}
          </Button>
        )}
      </Stack>
    </Paper>
  );
}
