// One setting as an input fitting its kind: label and hint from the translations, the local
// problem or the server's refusal under it.
import { PasswordInput, Select, Switch, Textarea, TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { CustomPropsEditor } from "./CustomPropsEditor";
import type { Field } from "./schema";
import { useGroupChoices } from "./settingsApi";

type Props = {
  field: Field;
  value: string;
  error?: string;
  onChange: (value: string) => void;
};

export function isOn(value: string) {
  return value === "1" || value === "true";
}

export function SettingField({ field, value, error, onChange }: Props) {
  const { t, i18n } = useTranslation();
  const tk = t as unknown as (key: string, options?: Record<string, unknown>) => string;
  const base = `admin.settings.fields.${field.key}`;
  const label = tk(`${base}.label`);
  const hintKey = `${base}.hint`;
  const hint = i18n.exists(hintKey) ? tk(hintKey) : undefined;
  const common = { label, error, description: hint, name: field.key };
  const kind = field.kind;

  switch (kind.type) {
    case "bool":
      return (
        <Switch
          label={label}
          description={hint}
          error={error}
          name={field.key}
          checked={isOn(value)}
          onChange={(e) => onChange(e.currentTarget.checked ? "1" : "0")}
        />
      );
    case "secret":
      return (
        <PasswordInput
          {...common}
          description={hint ?? t("admin.settings.secretHint")}
          autoComplete="new-password"
          value={value}
          onChange={(e) => onChange(e.currentTarget.value)}
        />
      );
    case "select": {
      const options = kind.options.includes(value) ? kind.options : [...kind.options, value];
      return (
        <Select
          {...common}
          allowDeselect={false}
          data={options.map((o) => ({
            value: o,
            label: i18n.exists(`${base}.options.${o}`) ? tk(`${base}.options.${o}`) : o,
          }))}
          value={value}
          onChange={(v) => v !== null && onChange(v)}
        />
      );
    }
    case "group":
      return <GroupField {...common} value={value} onChange={onChange} />;
    case "customProps":
      return <CustomPropsEditor label={label} error={error} value={value} onChange={onChange} />;
    case "json":
      return (
        <Textarea
          {...common}
          autosize
          minRows={3}
          maxRows={12}
          styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
          value={value}
          onChange={(e) => onChange(e.currentTarget.value)}
        />
      );
    case "text":
      if (kind.multiline) {
        return (
          <Textarea
            {...common}
            autosize
            minRows={2}
            value={value}
            onChange={(e) => onChange(e.currentTarget.value)}
          />
        );
      }
      break;
    case "int": {
      const unit = kind.unit ? t(`admin.settings.unit.${kind.unit}`) : undefined;
      return (
        <TextInput
          {...common}
          inputMode="numeric"
          rightSection={unit}
          rightSectionWidth={unit ? 64 : undefined}
          rightSectionPointerEvents="none"
          value={value}
          onChange={(e) => onChange(e.currentTarget.value)}
        />
      );
    }
    default:
      break;
  }
  return (
    <TextInput
      {...common}
      type={kind.type === "email" ? "email" : "text"}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
    />
  );
}

function GroupField({
  value,
  onChange,
  ...common
}: {
  label: string;
  error?: string;
  description?: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
}) {
  const groups = useGroupChoices();
  const data = groups.data ?? [];
  const options = data.some((g) => g.value === value) ? data : [...data, { value, label: value }];
  return (
    <Select
      {...common}
      allowDeselect={false}
      data={options}
      value={value}
      onChange={(v) => v !== null && onChange(v)}
    />
  );
}
