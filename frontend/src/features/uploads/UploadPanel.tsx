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
} from "@mantine/core";
import { IconChevronDown, IconChevronUp } from "@tabler/icons-react";
import { lazy, Suspense, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSession } from "../../api/session";
import { formatBytes } from "../../lib/format";
import { useConflictQuestion } from "./conflicts";
import { clearFinished, restoreSaved, useUploads } from "./manager";
import { formatDuration, type TransferTotals, transferTotals } from "./transferTotals";
import classes from "./UploadPanel.module.css";
import { UploadRow } from "./UploadRow";

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

export function UploadPanel() {
  const { t } = useTranslation();
  const uploads = useUploads();
  const userId = useSession()?.user.id;
  const [collapsed, setCollapsed] = useState(false);

  useEffect(() => {
    if (userId) restoreSaved();
  }, [userId]);

  if (uploads.length === 0) return <ConflictHost />;

  const totals = transferTotals(uploads);

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
        <PanelHeader
          totals={totals}
          collapsed={collapsed}
          toggle={() => setCollapsed(!collapsed)}
        />
        <Progress value={totals.total} size="xs" radius={0} aria-label={t("transfer.total")} />
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

/** What the whole transfer says: done, paused or failed, else its percent, speed, time left. */
function PanelHeader({
  totals,
  collapsed,
  toggle,
}: {
  totals: TransferTotals;
  collapsed: boolean;
  toggle: () => void;
}) {
  const { t } = useTranslation();
  const { total, active, paused, failed, speed, remaining } = totals;
  return (
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
          onClick={toggle}
        >
          {collapsed ? <IconChevronUp size={16} /> : <IconChevronDown size={16} />}
        </ActionIcon>
        {!active && !paused && (
          <CloseButton aria-label={t("transfer.clear")} onClick={clearFinished} />
        )}
      </Group>
    </Group>
  );
}
