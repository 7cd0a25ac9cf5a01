// One setting as an input fitting its kind: label and hint from the translations, the local
// problem or the server's refusal under it.
import { MultiSelect, PasswordInput, Select, Switch, Textarea, TextInput } from "@mantine/core";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { CustomPropsEditor } from "./CustomPropsEditor";
import { ProvidersEditor } from "./ProvidersEditor";
import type { Field, FieldKind } from "./schema";
import { useGroupChoices } from "./settingsApi";
import { ViewerDefaultsEditor } from "./ViewerDefaultsEditor";

type Props = {
  field: Field;
  value: string;
  error?: string;
  onChange: (value: string) => void;
  /** Beside a text input (the generators' "Test" button). */
  aside?: ReactNode;
};

/** What every input shows: its label, hint and problem, and its name. */
type Common = { label: string; description?: string; error?: string; name: string };

type InputProps<K extends FieldKind["type"]> = {
  kind: Extract<FieldKind, { type: K }>;
  base: string;
  common: Common;
  value: string;
  onChange: (value: string) => void;
  aside?: ReactNode;
};

export function isOn(value: string) {
  return value === "1" || value === "true";
}

/** The label and hint of `field`: its own, or those it shares with its like. */
function useCommon(field: Field, error?: string): Common {
  const { t, i18n } = useTranslation();
  const tk = t as unknown as (key: string) => string;
  const base = `admin.settings.fields.${field.key}`;
  const labelKey = field.label ?? `${base}.label`;
  const hintKey = [`${base}.hint`, `${labelKey}Hint`].find((k) => i18n.exists(k));
  return {
    label: tk(labelKey),
    description: hintKey ? tk(hintKey) : undefined,
    error,
    name: field.key,
  };
}

export function SettingField({ field, value, error, onChange, aside }: Props) {
  const common = useCommon(field, error);
  const props = { base: `admin.settings.fields.${field.key}`, common, value, onChange, aside };
  const kind = field.kind;
  switch (kind.type) {
    case "bool":
      return <BoolInput {...props} kind={kind} />;
    case "secret":
      return <SecretInput {...props} kind={kind} />;
    case "select":
      return <SelectInput {...props} kind={kind} />;
    case "group":
      return <GroupField {...common} value={value} onChange={onChange} />;
    case "groups":
      return <GroupsField {...common} value={value} onChange={onChange} />;
    case "customProps":
      return (
        <CustomPropsEditor label={common.label} error={error} value={value} onChange={onChange} />
      );
    case "viewerDefaults":
      return <ViewerDefaultsEditor {...common} value={value} onChange={onChange} />;
    case "oidcProviders":
      return <ProvidersEditor {...common} value={value} onChange={onChange} />;
    case "json":
      return <LongText {...props} kind={{ type: "text", multiline: true }} mono />;
    case "text":
      return kind.multiline ? <LongText {...props} kind={kind} /> : <PlainText {...props} />;
    case "int":
      return <IntInput {...props} kind={kind} />;
    default:
      return <PlainText {...props} type={kind.type === "email" ? "email" : "text"} />;
  }
}

function BoolInput({ common, value, onChange }: InputProps<"bool">) {
  return (
    <Switch
      {...common}
      checked={isOn(value)}
      onChange={(e) => onChange(e.currentTarget.checked ? "1" : "0")}
    />
  );
}

function SecretInput({ common, value, onChange }: InputProps<"secret">) {
  const { t } = useTranslation();
  return (
    <PasswordInput
      {...common}
      description={common.description ?? t("admin.settings.secretHint")}
      autoComplete="new-password"
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
    />
  );
}

function SelectInput({ kind, base, common, value, onChange }: InputProps<"select">) {
  const { t, i18n } = useTranslation();
  const tk = t as unknown as (key: string) => string;
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

function LongText({ common, value, onChange, mono }: InputProps<"text"> & { mono?: boolean }) {
  return (
    <Textarea
      {...common}
      autosize
      minRows={mono ? 3 : 2}
      maxRows={12}
      styles={mono ? { input: { fontFamily: "var(--mantine-font-family-monospace)" } } : undefined}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
    />
  );
}

function IntInput({ kind, common, value, onChange }: InputProps<"int">) {
  const { t } = useTranslation();
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

function PlainText({
  common,
  value,
  onChange,
  aside,
  type = "text",
}: Omit<InputProps<"text">, "kind"> & { type?: "text" | "email" }) {
  return (
    <TextInput
      {...common}
      type={type}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      rightSection={aside}
      rightSectionWidth={aside ? 76 : undefined}
      rightSectionPointerEvents="all"
    />
  );
}

function GroupField({
  value,
  onChange,
  ...common
}: Common & { value: string; onChange: (value: string) => void }) {
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

/** Several groups, stored as their ids separated by commas (`2,5`). */
function GroupsField({
  value,
  onChange,
  ...common
}: Common & { value: string; onChange: (value: string) => void }) {
  const groups = useGroupChoices();
  const chosen = value
    .split(",")
    .map((id) => id.trim())
    .filter(Boolean);
  const data = groups.data ?? [];
  // An id without a group (deleted since) stays visible, so that it can be taken out.
  const missing = chosen.filter((id) => !data.some((g) => g.value === id));
  return (
    <MultiSelect
      {...common}
      data={[...data, ...missing.map((id) => ({ value: id, label: `#${id}` }))]}
      value={chosen}
      onChange={(ids) => onChange(ids.join(","))}
      clearable
      searchable
    />
  );
}
