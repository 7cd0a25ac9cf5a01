// The upload rules of a storage policy, the same for every type: which extensions are allowed
// (or, as a deny list, refused), a file-name pattern names must match (or must not), and how
// many chunks a client sends at once. Stored in the policy's settings (`file_type`,
// `is_file_type_deny_list`, `file_regexp`, `is_name_regexp_deny_list`, `chunk_concurrency`).
import { Group, Stack, Switch, TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";

export type RuleFields = {
  fileTypes: string;
  typesDeny: boolean;
  nameRegexp: string;
  regexpDeny: boolean;
  chunkConcurrency: string;
};

export function initialRules(settings?: Record<string, unknown>): RuleFields {
  const types = Array.isArray(settings?.file_type) ? (settings.file_type as unknown[]) : [];
  const concurrency = settings?.chunk_concurrency;
  return {
    fileTypes: types.filter((t) => typeof t === "string").join(", "),
    typesDeny: settings?.is_file_type_deny_list === true,
    nameRegexp: typeof settings?.file_regexp === "string" ? settings.file_regexp : "",
    regexpDeny: settings?.is_name_regexp_deny_list === true,
    chunkConcurrency: typeof concurrency === "number" && concurrency > 0 ? String(concurrency) : "",
  };
}

/** The settings the rules are stored as. */
export function ruleSettings(f: RuleFields): Record<string, unknown> {
  const types = f.fileTypes
    .split(/[,\s]+/)
    .map((t) => t.trim().replace(/^\./, ""))
    .filter(Boolean);
  return {
    file_type: types,
    is_file_type_deny_list: f.typesDeny,
    file_regexp: f.nameRegexp,
    is_name_regexp_deny_list: f.regexpDeny,
    chunk_concurrency: Number(f.chunkConcurrency.trim() || "0"),
  };
}

/** The problem of the concurrency field, if any. */
export function concurrencyProblem(f: RuleFields): boolean {
  const v = f.chunkConcurrency.trim();
  return v !== "" && !(/^\d+$/.test(v) && Number(v) <= 32);
}

type Props = {
  value: RuleFields;
  concurrencyError?: string;
  onChange: <K extends keyof RuleFields>(key: K, value: RuleFields[K]) => void;
};

export function PolicyRules({ value, concurrencyError, onChange }: Props) {
  const { t } = useTranslation();
  return (
    <Stack gap="xs">
      <Group grow align="flex-end">
        <TextInput
          label={t("policyRules.fileTypes")}
          description={t("policyRules.fileTypesHint")}
          placeholder="jpg, png, pdf"
          value={value.fileTypes}
          onChange={(e) => onChange("fileTypes", e.currentTarget.value)}
        />
      </Group>
      <Switch
        label={t("policyRules.typesDeny")}
        checked={value.typesDeny}
        onChange={(e) => onChange("typesDeny", e.currentTarget.checked)}
      />
      <TextInput
        label={t("policyRules.nameRegexp")}
        description={t("policyRules.nameRegexpHint")}
        placeholder="^[^~].*"
        value={value.nameRegexp}
        onChange={(e) => onChange("nameRegexp", e.currentTarget.value)}
      />
      <Switch
        label={t("policyRules.regexpDeny")}
        checked={value.regexpDeny}
        onChange={(e) => onChange("regexpDeny", e.currentTarget.checked)}
      />
      <TextInput
        label={t("policyRules.chunkConcurrency")}
        description={t("policyRules.chunkConcurrencyHint")}
        inputMode="numeric"
        placeholder="1"
        value={value.chunkConcurrency}
        error={concurrencyError}
        onChange={(e) => onChange("chunkConcurrency", e.currentTarget.value)}
      />
    </Stack>
  );
}
