// The filters of a content search (what `GET /file/search` takes beside the words): the name
// contains, extensions, modified dates. The folder searched is the one on screen.
import { Button, Group, Stack, TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { ContentFilters as Filters } from "./contentSearch";

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
      <Group grow gap="xs">
        <TextInput
          size="xs"
          type="date"
          label={t("explorer.search.from")}
          value={filters.updatedFrom}
          onChange={(e) => set("updatedFrom", e.currentTarget.value)}
        />
        <TextInput
          size="xs"
          type="date"
          label={t("explorer.search.to")}
          value={filters.updatedTo}
          onChange={(e) => set("updatedTo", e.currentTarget.value)}
        />
      </Group>
      <Group justify="space-between">
        <Button size="xs" variant="subtle" onClick={onReset}>
          {t("explorer.search.reset")}
        </Button>
        <Button size="xs" onClick={onSubmit}>
          {t("explorer.search.submit")}
        </Button>
      </Group>
    </Stack>
  );
}
