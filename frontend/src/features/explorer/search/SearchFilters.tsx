// The search filters of the search bar's popover: kind, category, size, modified dates, tag.
import {
  Group,
  NativeSelect,
  NumberInput,
  SegmentedControl,
  Stack,
  TextInput,
} from "@mantine/core";
import { useTranslation } from "react-i18next";
import { FilterActions, ModifiedRange } from "./FilterParts";
import type { SearchFilters as Filters } from "./search";

const MB = 1024 * 1024;

type Props = {
  filters: Filters;
  set: <K extends keyof Filters>(key: K, value: Filters[K]) => void;
  onReset: () => void;
  onSubmit: () => void;
};

export default function SearchFilters({ filters, set, onReset, onSubmit }: Props) {
  const { t } = useTranslation();
  return (
    <Stack gap="xs" w={260}>
      <SegmentedControl
        size="xs"
        aria-label={t("explorer.search.type")}
        value={filters.type || "any"}
        onChange={(v) => set("type", v === "any" ? "" : (v as Filters["type"]))}
        data={[
          { value: "any", label: t("explorer.search.any") },
          { value: "file", label: t("explorer.search.files") },
          { value: "folder", label: t("explorer.search.folders") },
        ]}
      />
      <NativeSelect
        size="xs"
        label={t("explorer.search.category")}
        value={filters.category}
        onChange={(e) => set("category", e.currentTarget.value as Filters["category"])}
        data={[
          { value: "", label: t("explorer.search.any") },
          { value: "image", label: t("explorer.search.image") },
          { value: "video", label: t("explorer.search.video") },
          { value: "audio", label: t("explorer.search.audio") },
          { value: "document", label: t("explorer.search.document") },
        ]}
      />
      <Group grow gap="xs">
        <NumberInput
          size="xs"
          label={t("explorer.search.sizeMin")}
          min={0}
          decimalScale={3}
          value={filters.sizeMin === null ? "" : filters.sizeMin / MB}
          onChange={(v) => set("sizeMin", v === "" ? null : Math.round(Number(v) * MB))}
        />
        <NumberInput
          size="xs"
          label={t("explorer.search.sizeMax")}
          min={0}
          decimalScale={3}
          value={filters.sizeMax === null ? "" : filters.sizeMax / MB}
          onChange={(v) => set("sizeMax", v === "" ? null : Math.round(Number(v) * MB))}
        />
      </Group>
      <ModifiedRange
        from={filters.updatedFrom}
        to={filters.updatedTo}
        onChange={(bound, value) => set(bound, value)}
      />
      <TextInput
        size="xs"
        label={t("explorer.search.tag")}
        value={filters.tag}
        onChange={(e) => set("tag", e.currentTarget.value)}
      />
      <FilterActions onReset={onReset} onSubmit={onSubmit} />
    </Stack>
  );
}
