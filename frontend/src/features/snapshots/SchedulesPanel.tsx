// A folder's snapshot schedules: each takes a snapshot every hour, day or week and keeps the
// newest few of them (manual snapshots are never pruned). Add one, delete one.
import { Button, Group, NumberInput, Select, Stack, Text } from "@mantine/core";
import { IconTrash } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Schemas } from "../../api/client";
import { addSchedule, deleteSchedule, useSchedules } from "../../api/snapshots";
import { IconButton } from "../../components/IconButton";
import { errorMessage, notifyError } from "../../lib/errors";
import { formatDate } from "../../lib/format";
import type { SnapshotFolder } from "./store";

type Schedule = Schemas["SnapshotSchedule"];

const PERIODS = ["@hourly", "@daily", "@weekly"] as const;
type Period = (typeof PERIODS)[number];
const PERIOD_KEY = { "@hourly": "hourly", "@daily": "daily", "@weekly": "weekly" } as const;

export function SchedulesPanel({ folder }: { folder: SnapshotFolder }) {
  const { t } = useTranslation();
  const list = useSchedules();
  const schedules = (list.data ?? []).filter((s) => s.uri === folder.uri);
  const periodLabel = (p: string) =>
    p in PERIOD_KEY ? t(`snapshot.schedule.${PERIOD_KEY[p as Period]}`) : p;

  return (
    <Stack gap="xs">
      {list.isError && (
        <Text c="red" size="sm">
          {errorMessage(list.error)}
        </Text>
      )}
      {list.isSuccess && schedules.length === 0 && (
        <Text c="dimmed" size="sm">
          {t("snapshot.schedule.none")}
        </Text>
      )}
      {schedules.map((s) => (
        <ScheduleRow key={s.id} schedule={s} periodLabel={periodLabel} />
      ))}
      <AddSchedule folder={folder} periodLabel={periodLabel} />
    </Stack>
  );
}

function ScheduleRow({
  schedule: s,
  periodLabel,
}: {
  schedule: Schedule;
  periodLabel: (every: string) => string;
}) {
  const { t, i18n } = useTranslation();
  return (
    <Group justify="space-between" wrap="nowrap" data-testid="schedule">
      <div>
        <Text size="sm">
          {t("snapshot.schedule.row", { every: periodLabel(s.every), keep: s.keep })}
        </Text>
        <Text size="xs" c="dimmed">
          {s.last_taken_at
            ? t("snapshot.schedule.last", { time: formatDate(s.last_taken_at, i18n.language) })
            : t("snapshot.schedule.never")}
        </Text>
      </div>
      <IconButton
        variant="subtle"
        color="red"
        label={t("snapshot.schedule.delete")}
        onClick={() => deleteSchedule(s.id).catch(notifyError)}
      >
        <IconTrash size={16} />
      </IconButton>
    </Group>
  );
}

/** A new schedule of the folder: how often, and how many of its snapshots are kept. */
function AddSchedule({
  folder,
  periodLabel,
}: {
  folder: SnapshotFolder;
  periodLabel: (every: string) => string;
}) {
  const { t } = useTranslation();
  const [every, setEvery] = useState<Period>("@daily");
  const [keep, setKeep] = useState<number>(7);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const add = async () => {
    setBusy(true);
    setError(null);
    try {
      await addSchedule(folder.uri, every, keep);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Group align="flex-end" gap="xs" wrap="wrap">
        <Select
          label={t("snapshot.schedule.every")}
          data={PERIODS.map((p) => ({ value: p, label: periodLabel(p) }))}
          value={every}
          onChange={(v) => v && setEvery(v as Period)}
          allowDeselect={false}
          w={140}
        />
        <NumberInput
          label={t("snapshot.schedule.keep")}
          value={keep}
          onChange={(v) => setKeep(typeof v === "number" ? v : 1)}
          min={1}
          max={100}
          w={100}
        />
        <Button variant="light" loading={busy} onClick={add}>
          {t("snapshot.schedule.add")}
        </Button>
      </Group>
      {error && (
        <Text c="red" size="sm" role="alert">
          {error}
        </Text>
      )}
    </>
  );
}
