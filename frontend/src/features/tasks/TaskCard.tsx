// One task of the tasks page: its type, source → destination, status, live progress, error,
// cancel (running downloads) and its log, shown on demand.
import { Button, Code, Collapse, Group, Paper, Stack, Text } from "@mantine/core";
import { IconChevronDown, IconChevronUp, IconX } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { renderLogLine } from "../../api/tasks/taskLog";
import { cancelDownload, ENDED, type Task, taskEnds } from "../../api/tasks/tasks";
import { notifyError } from "../../lib/errors";
import { useTaskStream } from "./stream";
import { ProgressBars } from "./TaskProgressBars";
import { TaskHeading, TaskRoute } from "./TaskSummary";

type Props = { task: Task; stream: boolean; onEnd: () => void };

export function TaskCard({ task: listed, stream, onEnd }: Props) {
  const { t, i18n } = useTranslation();
  const [showLog, setShowLog] = useState(false);
  const live = useTaskStream(listed.id, stream || showLog, onEnd);
  const task = live.status ?? listed;
  const ended = ENDED.has(task.status);
  const { src, dst } = taskEnds(task);
  const { canceling, cancel } = useCancel(task.id, onEnd);

  return (
    <Paper withBorder p="sm" data-testid="task" data-status={task.status}>
      <Stack gap={6}>
        <TaskHeading task={task} />
        <TaskRoute src={src} dst={dst} />
        {!ended && <ProgressBars progress={live.progress} />}
        {task.error && (
          <Text size="sm" c="red" role="status">
            {task.error}
          </Text>
        )}
        <Group gap="xs">
          <Button
            size="compact-sm"
            variant="subtle"
            leftSection={showLog ? <IconChevronUp size={14} /> : <IconChevronDown size={14} />}
            aria-expanded={showLog}
            onClick={() => setShowLog((v) => !v)}
          >
            {t(showLog ? "tasks.hideLog" : "tasks.showLog")}
          </Button>
          {!ended && task.type === "remote_download" && (
            <Button
              size="compact-sm"
              variant="light"
              color="red"
              leftSection={<IconX size={14} />}
              loading={canceling}
              onClick={cancel}
            >
              {t("tasks.cancel")}
            </Button>
          )}
        </Group>
        <Collapse expanded={showLog}>
          <Code block fz="xs" mah={240} style={{ overflow: "auto" }} data-testid="task-log">
            {live.log.length
              ? live.log.map((line) => renderLogLine(line, i18n)).join("\n")
              : t("tasks.noLog")}
          </Code>
        </Collapse>
      </Stack>
    </Paper>
  );
}

/** Cancels a remote download; `onEnd` re-reads the lists. */
function useCancel(id: string, onEnd: () => void) {
  const [canceling, setCanceling] = useState(false);
  const cancel = async () => {
    setCanceling(true);
    try {
      await cancelDownload(id);
      onEnd();
    } catch (e) {
      notifyError(e);
    } finally {
      setCanceling(false);
    }
  };
  return { canceling, cancel };
}
