// One task in full, for an administrator: its state (status, queue, worker, owner, retries),
// what it works on, its error history and its log.
import "@mantine/core/styles/List.css";
import {
  Alert,
  Badge,
  Code,
  Group,
  List,
  Loader,
  Modal,
  Stack,
  Table,
  Text,
  Title,
} from "@mantine/core";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { plainLogLines, renderLogLine } from "../../../../api/tasks/taskLog";
import { readablePath, STATUS_COLORS, taskEnds } from "../../../../api/tasks/tasks";
import { formatDate } from "../../../../lib/format";
import { adminErrorMessage } from "../../errors";
import { type AdminTask, useAdminTask } from "./queueApi";

type Props = { id: number; onClose: () => void };

export function TaskDetails({ id, onClose }: Props) {
  const { t } = useTranslation();
  const task = useAdminTask(id);
  return (
    <Modal
      opened
      onClose={onClose}
      centered
      size="xl"
      title={t("admin.tasks.detailsTitle", { id })}
    >
      {task.isPending ? (
        <Loader aria-label={t("admin.tasks.loadingTask")} />
      ) : task.isError ? (
        <Alert color="red" role="alert">
          {adminErrorMessage(task.error)}
        </Alert>
      ) : (
        <TaskBody row={task.data} />
      )}
    </Modal>
  );
}

/** The task's facts, error and log. */
function TaskBody({ row }: { row: AdminTask }) {
  const { t, i18n } = useTranslation();
  const state = (row.public_state ?? {}) as Record<string, unknown>;
  const history = Array.isArray(state.error_history) ? state.error_history.map(String) : [];
  const { src, dst } = taskEnds(row);
  const logLines = row.log_lines ?? plainLogLines(row.log ?? "");
  const facts: [string, ReactNode][] = [
    [
      t("admin.tasks.status"),
      <Badge key="s" color={STATUS_COLORS[row.status] ?? "gray"} variant="dot">
        {t(`tasks.status.${row.status}` as "tasks.status.queued", {
          defaultValue: row.status,
        })}
      </Badge>,
    ],
    [
      t("admin.tasks.type"),
      t(`tasks.types.${row.type}` as "tasks.types.create_archive", {
        defaultValue: row.type,
      }),
    ],
    [
      t("admin.tasks.queue"),
      t(`admin.tasks.queueNames.${row.queue}` as "admin.tasks.queueNames.io_intense", {
        defaultValue: row.queue,
      }),
    ],
    [t("admin.tasks.user"), row.user_tasks ? `#${row.user_tasks}` : t("admin.tasks.system")],
    [t("admin.tasks.worker"), row.claimed_by || "–"],
    [t("admin.tasks.retries"), String(state.retry_count ?? 0)],
    [t("admin.tasks.created"), formatDate(row.created_at, i18n.language)],
    [t("admin.tasks.updated"), formatDate(row.updated_at, i18n.language)],
    [t("admin.tasks.source"), src.map(readablePath).join(", ") || "–"],
    [t("admin.tasks.destination"), dst ? readablePath(dst) : "–"],
  ];
  return (
    <Stack gap="sm" data-testid="task-details">
      <Table fz="sm" verticalSpacing={4}>
        <Table.Tbody>
          {facts.map(([label, value]) => (
            <Table.Tr key={label}>
              <Table.Th w={160}>{label}</Table.Th>
              <Table.Td style={{ wordBreak: "break-all" }}>{value}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {typeof state.error === "string" && state.error && (
        <Alert color="red" title={t("admin.tasks.error")}>
          {state.error}
        </Alert>
      )}
      <Title order={3} size="h5">
        {t("admin.tasks.errorHistory")}
      </Title>
      {history.length ? (
        <List size="sm" spacing={2}>
          {history.map((line, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the same error may repeat.
            <List.Item key={i}>{line}</List.Item>
          ))}
        </List>
      ) : (
        <Text size="sm" c="dimmed">
          {t("admin.tasks.noErrors")}
        </Text>
      )}
      <Group justify="space-between">
        <Title order={3} size="h5">
          {t("admin.tasks.log")}
        </Title>
      </Group>
      <Code block fz="xs" mah={260} style={{ overflow: "auto" }} data-testid="admin-task-log">
        {logLines.length
          ? logLines.map((line) => renderLogLine(line, i18n)).join("\n")
          : t("tasks.noLog")}
      </Code>
    </Stack>
  );
}
