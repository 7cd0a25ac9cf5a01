// Where uploads land and how big they may be: the folder and file name rules (a remote
// policy's relative to the node's folder) and the size limit.
import { TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { PolicyFormState } from "./usePolicyForm";

export function PolicyNamingFields(props: { state: PolicyFormState }) {
  const { t } = useTranslation();
  const { form, text } = props.state;
  return (
    <>
      <TextInput
        label={t("admin.policies.dirRule")}
        description={t(
          form.type === "remote" ? "admin.policies.remoteRulesHint" : "admin.policies.rulesHint",
        )}
        {...text("dirRule")}
      />
      <TextInput label={t("admin.policies.fileRule")} required {...text("fileRule")} />
      <TextInput
        label={t("admin.policies.maxSize")}
        description={t("admin.policies.maxSizeHint")}
        inputMode="numeric"
        {...text("maxSize")}
      />
    </>
  );
}
