// Custom properties in the info panel: every property the site defines (`explorer.custom_props`)
// with an editor of its type. A value is public metadata `props:<id>`; clearing it removes the
// key. The server checks each value against the definition and has the last word.
import {
  Anchor,
  Checkbox,
  MultiSelect,
  NumberInput,
  Rating,
  Select,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Schemas } from "../../api/client";
import { patchMetadata } from "../../api/files";
import { useExplorerConfig } from "../../api/siteConfig";

export type CustomProp = Schemas["CustomProp"];
export const PROPS_PREFIX = "props:";

/** The site's property definitions (shared with the list view's columns). */
export function useCustomProps(): CustomProp[] {
  const explorer = useExplorerConfig();
  return explorer.data?.custom_props ?? [];
}

/** A property's display name: Cloudreve's built-in `fileManager.*` names are translated. */
export function usePropName() {
  const { t } = useTranslation();
  return (prop: CustomProp) => {
    const builtin = prop.name.match(/^fileManager\.(description|rating)$/);
    if (!builtin) return prop.name;
    return builtin[1] === "rating"
      ? t("customProps.builtin.rating")
      : t("customProps.builtin.description");
  };
}

/** A stored value as text for a list cell or a read-only panel. */
export function propText(prop: CustomProp, value: string | undefined): string {
  if (!value) return "";
  if (prop.type === "multi_select") {
    try {
      return (JSON.parse(value) as string[]).join(", ");
    } catch {
      return value;
    }
  }
  if (prop.type === "rating") return "★".repeat(Number(value) || 0);
  return value;
}

type Props = {
  uri: string;
  metadata: Record<string, string>;
  owned: boolean;
  run: (change: () => Promise<void>) => Promise<void>;
  reload: () => void;
};

export function CustomPropsSection({ uri, metadata, owned, run, reload }: Props) {
  const { t } = useTranslation();
  const props = useCustomProps();
  const name = usePropName();
  const shown = owned ? props : props.filter((p) => metadata[PROPS_PREFIX + p.id]);
  if (shown.length === 0) return null;

  const save = (prop: CustomProp, value: string) =>
    run(async () => {
      const key = PROPS_PREFIX + prop.id;
      if ((metadata[key] ?? "") === value) return;
      const patch = value === "" ? { key, remove: true } : { key, value };
      await patchMetadata([uri], [patch]);
      reload();
    });

  return (
    <section aria-labelledby="custom-props-title" data-testid="custom-props">
      <Title order={4} id="custom-props-title" mb="xs">
        {t("customProps.title")}
      </Title>
      <Stack gap="sm">
        {shown.map((prop) => {
          const value = metadata[PROPS_PREFIX + prop.id] ?? "";
          return owned ? (
            <PropEditor
              key={`${uri}-${prop.id}-${value}`}
              prop={prop}
              label={name(prop)}
              value={value}
              onSave={(v) => void save(prop, v)}
            />
          ) : (
            <div key={prop.id}>
              <Text size="sm" fw={500}>
                {name(prop)}
              </Text>
              {prop.type === "link" ? (
                <Anchor href={value} target="_blank" rel="noopener noreferrer" size="sm">
                  {value}
                </Anchor>
              ) : (
                <Text size="sm">{propText(prop, value)}</Text>
              )}
            </div>
          );
        })}
      </Stack>
    </section>
  );
}

type EditorProps = {
  prop: CustomProp;
  label: string;
  value: string;
  onSave: (value: string) => void;
};

/** One editor; text-like ones save when they lose focus, the others on change. */
function PropEditor({ prop, label, value, onSave }: EditorProps) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState(value);
  const positive = (n?: number | null) => (n && n > 0 ? n : undefined);
  switch (prop.type) {
    case "number":
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
    case "boolean":
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
    case "multi_select": {
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
    case "rating":
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
    case "link":
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
    default:
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
}
