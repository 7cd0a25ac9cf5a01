// A remote policy's node: one of the slaves from the Nodes page (asked for when the dialog
// opens, whatever the type, so the list is there when remote is picked).
import { Select } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { PolicyFormState } from "./usePolicyForm";

export function PolicyNodeField(props: { state: PolicyFormState }) {
  const { t } = useTranslation();
  const { form, problems, set, nodes, nodeChoices } = props.state;
  return (
    <Select
      label={t("admin.policies.node")}
      description={t("admin.policies.nodeHint")}
      required
      data={nodeChoices}
      value={form.nodeId || null}
      error={problems.nodeId}
      onChange={(v) => set("nodeId", v ?? "")}
      nothingFoundMessage={t("admin.policies.noNodes")}
      placeholder={nodes.isPending ? t("admin.policies.nodesLoading") : undefined}
    />
  );
}
