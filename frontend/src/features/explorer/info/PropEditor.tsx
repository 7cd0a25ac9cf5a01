// The editor of one custom property of a file, by the property's type; text-like ones save
// when they lose focus, the others on change. Keyed by the saved value, so a new value read
// back starts a new draft.
import {
  Checkbox,
  MultiSelect,
  NumberInput,
  Rating,
  Select,
  Text,
  Textarea,
  TextInput,
} from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Schemas } from "../../../api/client";

type CustomProp = Schemas["CustomProp"];

type EditorProps = {
  prop: CustomProp;
  label: string;
  value: string;
  onSave: (value: string) => void;
};

/** A limit set above zero; zero or nothing means none. */
const positive = (n?: number | null) => (n && n > 0 ? n : undefined);

export function PropEditor(props: EditorProps) {
  const { t } = useTranslation();
  const { prop, label, value, onSave } = props;
  switch (prop.type) {
    case "number":
      return <NumberEditor {...props} />;
    case "boolean":
      return <BooleanEditor {...props} />;
    case "select":
      return (
        <Select
          label={label}
          data={prop.options ?? []}
          value={value || null}
          clearable
          placeholder={t("customProps.none")}
          onChange={(v) => onSave(v ?? "")}
        />
      );
    case "multi_select":
      return <MultiSelectEditor {...props} />;
    case "rating":
      return <RatingEditor {...props} />;
    default:
      return <TextEditor {...props} />;
  }
}

function NumberEditor({ prop, label, value, onSave }: EditorProps) {
  const [draft, setDraft] = useState(value);
  return (
    <NumberInput
      label={label}
      value={draft === "" ? "" : Number(draft)}
      allowDecimal={false}
      min={prop.min ?? 0}
      max={positive(prop.max)}
      onChange={(v) => setDraft(v === "" ? "" : String(v))}
      onBlur={() => onSave(draft)}
    />
  );
}

function BooleanEditor({ label, value, onSave }: EditorProps) {
  const [draft, setDraft] = useState(value);
  return (
    <Checkbox
      label={label}
      checked={draft === "true"}
      onChange={(e) => {
        const next = e.currentTarget.checked ? "true" : "false";
        setDraft(next);
        onSave(next);
      }}
    />
  );
}

/** The picked options, kept as a JSON array of strings. */
function MultiSelectEditor({ prop, label, value, onSave }: EditorProps) {
  const { t } = useTranslation();
  let picked: string[] = [];
  try {
    picked = value ? (JSON.parse(value) as string[]) : [];
  } catch {
    picked = [];
  }
  return (
    <MultiSelect
      label={label}
      data={prop.options ?? []}
      value={picked}
      clearable
      placeholder={picked.length ? undefined : t("customProps.none")}
      onChange={(v) => onSave(v.length ? JSON.stringify(v) : "")}
    />
  );
}

function RatingEditor({ prop, label, value, onSave }: EditorProps) {
  const [draft, setDraft] = useState(value);
  return (
    <div>
      <Text size="sm" fw={500} mb={4}>
        {label}
      </Text>
      <Rating
        count={positive(prop.max) ?? 5}
        value={Number(draft) || 0}
        aria-label={label}
        onChange={(n) => {
          const next = n ? String(n) : "";
          setDraft(next);
          onSave(next);
        }}
      />
    </div>
  );
}

/** A link (saved trimmed) or free text. */
function TextEditor({ prop, label, value, onSave }: EditorProps) {
  const [draft, setDraft] = useState(value);
  if (prop.type === "link") {
    return (
      <TextInput
        label={label}
        type="url"
        value={draft}
        maxLength={positive(prop.max)}
        placeholder="https://"
        onChange={(e) => setDraft(e.currentTarget.value)}
        onBlur={() => onSave(draft.trim())}
      />
    );
  }
  return (
    <Textarea
      label={label}
      value={draft}
      autosize
      minRows={1}
      maxRows={6}
      maxLength={positive(prop.max)}
      onChange={(e) => setDraft(e.currentTarget.value)}
      onBlur={() => onSave(draft)}
    />
  );
}
