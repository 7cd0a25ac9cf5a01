// "Run now" on a backup task: queue a manual run, then open its record so its log shows live;
// a refusal is said in the server's words.
import { notifications } from "@mantine/notifications";
import { useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { serverWords } from "../../errors";
import { type BackupTask, RECORDS_LIST, runTask } from "./backupApi";

export function useRunNow() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [running, setRunning] = useState<number | null>(null);

  async function run(task: BackupTask) {
    setRunning(task.id);
    try {
      const record = await runTask(task.id);
      await queryClient.invalidateQueries({ queryKey: ["admin", RECORDS_LIST] });
      await navigate({
        to: "/admin/$",
        params: { _splat: "backupRecords" },
        search: { record: record.id },
      } as never);
    } catch (e) {
      notifications.show({
        color: "red",
        title: t("admin.backup.tasks.runFailed", { name: task.name }),
        message: serverWords(e),
      });
    } finally {
      setRunning(null);
    }
  }
  return { running, run };
}
