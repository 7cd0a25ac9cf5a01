// Backup targets: where backups are written (a local folder, a bucket or a slave node). Each
// row shows what Stratus backups hold on it; a saved target can be tested (the server's words
// shown as they are), starred as the favourite, edited, and deleted, which the server refuses
// while a task writes to it, with its reason.
import { IconPlugConnected } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { EditableList } from "../../EditableList";
import { RowAction } from "../../list/RowAction";
import { TestResultModal, useRowTest } from "../../list/TestResult";
import {
  type BackupTarget,
  deleteTarget,
  listTargets,
  TARGETS_LIST,
  testSavedTarget,
} from "./backupApi";
import { TARGET_TYPES, TargetDialog } from "./TargetDialog";
import { targetColumns, targetTypeLabel } from "./targetColumns";

export default function TargetsPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["admin", TARGETS_LIST] });
  const tests = useRowTest<BackupTarget>(
    async (target) => (await testSavedTarget(target.id)) || t("admin.backup.targets.testPassed"),
  );

  return (
    <>
      <EditableList<BackupTarget>
        id={TARGETS_LIST}
        title={t("admin.nav.backupTargets")}
        fetchPage={listTargets}
        columns={(open) => targetColumns(t, open, refresh)}
        rowKey={(target) => target.id}
        rowName={(target) => target.name}
        defaultOrder={{ by: "id", direction: "asc" }}
        filters={[
          { key: "name", label: t("admin.backup.targets.name"), kind: "search" },
          {
            key: "type",
            label: t("admin.backup.targets.type"),
            type: "select",
            options: TARGET_TYPES.map((type) => ({ value: type, label: targetTypeLabel(t, type) })),
          },
        ]}
        createLabel={t("admin.backup.targets.create")}
        before={(target) => (
          <RowAction
            tip={t("admin.backup.targets.test")}
            label={t("admin.backup.targets.testNamed", { name: target.name })}
            icon={IconPlugConnected}
            loading={tests.testing === target.id}
            onClick={() => void tests.test(target)}
          />
        )}
        edit={{
          tip: t("admin.backup.edit"),
          label: (target) => t("admin.backup.editNamed", { name: target.name }),
        }}
        remove={{
          tip: t("admin.backup.delete"),
          label: (target) => t("admin.backup.deleteNamed", { name: target.name }),
          title: (target) => t("admin.backup.targets.deleteTitle", { name: target.name }),
          what: t("admin.backup.targets.deleteWhat"),
          run: (target) => deleteTarget(target.id),
        }}
        dialog={(target, close, saved) => (
          <TargetDialog editing={target} onClose={close} onSaved={saved} />
        )}
      />
      {tests.outcome && (
        <TestResultModal
          outcome={tests.outcome}
          title={t("admin.backup.targets.testTitle", { name: tests.outcome.name })}
          okTitle={t("admin.backup.targets.testOk")}
          failedTitle={t("admin.backup.targets.failed")}
          onClose={tests.close}
        />
      )}
    </>
  );
}
