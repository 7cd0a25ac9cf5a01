// The filters above a list, with the page's own buttons (create, export…) at the end.
import { Group, Select, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { type ReactNode, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { type Search, text } from "./address";
import type { FilterField } from "./types";

export function FilterBar(props: {
  filters: FilterField[];
  search: Search;
  onChange: (changes: Search) => void;
  toolbar?: ReactNode;
}) {
  if (props.filters.length === 0 && !props.toolbar) return null;
  return (
    <Group justify="space-between" align="flex-end" gap="sm">
      <Group gap="sm" align="flex-end" wrap="wrap">
        {props.filters.map((filter) => (
          <FilterInput
            key={filter.key}
            filter={filter}
            value={text(props.search[filter.key])}
            onChange={(value) => props.onChange({ [filter.key]: value })}
          />
        ))}
      </Group>
      {props.toolbar && <Group gap="sm">{props.toolbar}</Group>}
    </Group>
  );
}

/** One filter: text is sent once typing pauses, choices at once. */
function FilterInput(props: {
  filter: FilterField;
  value: string;
  onChange: (value: string) => void;
}) {
  const { t } = useTranslation();
  const { filter } = props;
  const [draft, setDraft] = useState(props.value);
  const [settled] = useDebouncedValue(draft, 350);
  useEffect(() => setDraft(props.value), [props.value]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a settled draft is sent
  useEffect(() => {
    if (filter.type !== "select" && settled !== props.value) props.onChange(settled);
  }, [settled]);

  if (filter.type === "select") {
    return (
      <Select
        label={filter.label}
        data={filter.options ?? []}
        value={props.value || null}
        onChange={(value) => props.onChange(value ?? "")}
        placeholder={t("admin.list.any")}
        clearable
        w={180}
        size="sm"
      />
    );
  }
  return (
    <TextInput
      label={filter.label}
      type={filter.type === "datetime" ? "datetime-local" : "text"}
      value={draft}
      onChange={(event) => setDraft(event.currentTarget.value)}
      w={filter.type === "datetime" ? 210 : 180}
      size="sm"
    />
  );
}
