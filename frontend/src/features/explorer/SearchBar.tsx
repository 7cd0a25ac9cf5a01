// Search in the folder on screen and below: a name box, and a popover of filters (type,
// category, size, modified dates, tag). The search is a URI, so it can be bookmarked and pinned.
import { Group, Indicator, Loader, Popover, TextInput } from "@mantine/core";
import { IconAdjustments, IconSearch } from "@tabler/icons-react";
import { type FormEvent, lazy, Suspense, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { IconButton } from "../../components/IconButton";
import { NO_FILTERS, parseSearch, type SearchFilters, searchUri } from "./search";

// The filters are loaded when first opened (the number inputs are not small).
const FilterPanel = lazy(() => import("./SearchFilters"));

type Props = { uri: string; onSearch: (uri: string) => void };

export function SearchBar({ uri, onSearch }: Props) {
  const { t } = useTranslation();
  const current = parseSearch(uri);
  const folder = current?.folder ?? uri;
  const [f, setF] = useState<SearchFilters>(current?.filters ?? NO_FILTERS);
  const [open, setOpen] = useState(false);
  useEffect(() => setF(parseSearch(uri)?.filters ?? NO_FILTERS), [uri]);

  const set = <K extends keyof SearchFilters>(key: K, value: SearchFilters[K]) =>
    setF((old) => ({ ...old, [key]: value }));
  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    setOpen(false);
    onSearch(searchUri(folder, f));
  };
  const filtered = searchUri("", { ...f, name: "" }) !== "";

  return (
    <form onSubmit={submit} aria-label={t("explorer.search.label")}>
      <Group gap={4} wrap="nowrap">
        <TextInput
          size="sm"
          w={{ base: 150, sm: 220 }}
          placeholder={t("explorer.search.placeholder")}
          aria-label={t("explorer.search.name")}
          leftSection={<IconSearch size={16} />}
          value={f.name}
          onChange={(e) => set("name", e.currentTarget.value)}
        />
        <Popover opened={open} onChange={setOpen} position="bottom-end" withinPortal trapFocus>
          {/* The target is the button itself: the popover's aria-expanded and aria-controls
              are not allowed on the indicator's plain box (axe: aria-allowed-attr). */}
          <Indicator disabled={!filtered} size={8} offset={4}>
            <Popover.Target>
              <IconButton
                variant="default"
                size="lg"
                label={t("explorer.search.filters")}
                aria-expanded={open}
                onClick={() => setOpen((o) => !o)}
              >
                <IconAdjustments size={16} />
              </IconButton>
            </Popover.Target>
          </Indicator>
          <Popover.Dropdown>
            <Suspense fallback={<Loader size="sm" aria-label={t("explorer.loading")} />}>
              <FilterPanel
                filters={f}
                set={set}
                onReset={() => setF({ ...NO_FILTERS, name: f.name })}
                onSubmit={() => submit()}
              />
            </Suspense>
          </Popover.Dropdown>
        </Popover>
      </Group>
    </form>
  );
}
