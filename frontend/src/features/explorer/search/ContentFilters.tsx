// The filters of a content search (what `GET /file/search` takes beside the words): the name
// contains, extensions, modified dates. The folder searched is the one on screen.
import { Stack, TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { ContentFilters as Filters } from "./contentSearch";
import { FilterActions, ModifiedRange } from "./FilterParts";

type Props = {
  filters: Filters;
  set: <K extends keyof Filters>(key: K, value: Filters[K]) => void;
  onReset: () => void;
  onSubmit: () => void;
};

export default function ContentFilters({ filters, set, onReset, onSubmit }: Props) {
  const { t } = useTranslation();
  return (
    <Stack gap="xs" w={260}>
      <TextInput
        size="xs"
        label={t("explorer.contentSearch.nameFilter")}
        value={filters.name}
        onChange={(e) => set("name", e.currentTarget.value)}
      />
      <TextInput
        size="xs"
        label={t("explorer.contentSearch.ext")}
        placeholder="md, txt, pdf"
        value={filters.ext}
        onChange={(e) => set("ext", e.currentTarget.value)}
      />
      <ModifiedRange
        from={filters.updatedFrom}
        to={filters.updatedTo}
        onChange={(bound, value) => set(bound, value)}
      />
      <FilterActions onReset={onReset} onSubmit={onSubmit} />
    </Stack>
  );
}
