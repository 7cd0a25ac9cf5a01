// Search in the folder on screen and below: a box, and a popover of filters. By name (type,
// category, size, modified dates, tag), as a URI that can be bookmarked and pinned; or, when
// the site has full-text search on, by content: the box's words are looked up in the files'
// text and the hits open in a drawer (ContentResults), with filters of their own.
import { Group, Indicator, Loader, Popover, SegmentedControl, TextInput } from "@mantine/core";
import { IconAdjustments, IconSearch } from "@tabler/icons-react";
import { type FormEvent, lazy, type ReactNode, Suspense, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { ContentQuery } from "../../../api/files/contentSearch";
import { useFullTextEnabled } from "../../../api/files/contentSearch";
import { IconButton } from "../../../components/IconButton";
import { type ContentFilters, contentQuery, NO_CONTENT_FILTERS } from "./contentSearch";
import { NO_FILTERS, parseSearch, type SearchFilters, searchUri } from "./search";

// The filters are loaded when first opened (the number inputs are not small).
const FilterPanel = lazy(() => import("./SearchFilters"));
const ContentFilterPanel = lazy(() => import("./ContentFilters"));
// The results drawer, with its styles, once a content search has been made.
const ContentResults = lazy(() =>
  import("./ContentResults").then((m) => ({ default: m.ContentResults })),
);

type Mode = "names" | "contents";
type Props = {
  uri: string;
  onSearch: (uri: string) => void;
  /** Take the whole width (a phone's row of its own) rather than a toolbar's slot. */
  grow?: boolean;
};

export function SearchBar({ uri, onSearch, grow }: Props) {
  const { t } = useTranslation();
  const current = parseSearch(uri);
  const folder = current?.folder ?? uri;
  const [f, setF] = useState<SearchFilters>(current?.filters ?? NO_FILTERS);
  const [cf, setCf] = useState<ContentFilters>(NO_CONTENT_FILTERS);
  const [open, setOpen] = useState(false);
  const [mode, setMode] = useState<Mode>("names");
  const [results, setResults] = useState<ContentQuery | null>(null);
  const fullText = useFullTextEnabled();
  const contents = fullText && mode === "contents";
  useEffect(() => setF(parseSearch(uri)?.filters ?? NO_FILTERS), [uri]);

  const set = <K extends keyof SearchFilters>(key: K, value: SearchFilters[K]) =>
    setF((old) => ({ ...old, [key]: value }));
  const setContent = <K extends keyof ContentFilters>(key: K, value: ContentFilters[K]) =>
    setCf((old) => ({ ...old, [key]: value }));
  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    setOpen(false);
    if (contents) setResults(contentQuery(f.name, folder, cf));
    else onSearch(searchUri(folder, f));
  };
  const searchNames = () => {
    setMode("names");
    setResults(null);
    onSearch(searchUri(folder, f));
  };
  const filtered = contents
    ? JSON.stringify(cf) !== JSON.stringify(NO_CONTENT_FILTERS)
    : searchUri("", { ...f, name: "" }) !== "";

  const panel = contents ? (
    <ContentFilterPanel
      filters={cf}
      set={setContent}
      onReset={() => setCf(NO_CONTENT_FILTERS)}
      onSubmit={() => submit()}
    />
  ) : (
    <FilterPanel
      filters={f}
      set={set}
      onReset={() => setF({ ...NO_FILTERS, name: f.name })}
      onSubmit={() => submit()}
    />
  );
  return (
    <>
      <form onSubmit={submit} aria-label={t("explorer.search.label")}>
        <Group gap={4} wrap="nowrap" w={grow ? "100%" : undefined}>
          {fullText && <ModeSwitch mode={mode} setMode={setMode} />}
          <TextInput
            size="sm"
            w={grow ? undefined : { base: fullText ? 120 : 150, sm: 220 }}
            flex={grow ? 1 : undefined}
            placeholder={t(
              contents ? "explorer.contentSearch.placeholder" : "explorer.search.placeholder",
            )}
            aria-label={t(contents ? "explorer.contentSearch.words" : "explorer.search.name")}
            leftSection={<IconSearch size={16} />}
            value={f.name}
            onChange={(e) => set("name", e.currentTarget.value)}
          />
          <FiltersPopover open={open} setOpen={setOpen} filtered={filtered}>
            {panel}
          </FiltersPopover>
        </Group>
      </form>
      <ResultsDrawer query={results} onClose={() => setResults(null)} onNames={searchNames} />
    </>
  );
}

/** The content search's results, loaded with the first search and kept from then on. */
function ResultsDrawer(props: Parameters<typeof ContentResults>[0]) {
  const [searched, setSearched] = useState(false);
  useEffect(() => {
    if (props.query) setSearched(true);
  }, [props.query]);
  if (!searched && !props.query) return null;
  return (
    <Suspense>
      <ContentResults {...props} />
    </Suspense>
  );
}

/** Names or contents: what the box searches. */
function ModeSwitch({ mode, setMode }: { mode: Mode; setMode: (m: Mode) => void }) {
  const { t } = useTranslation();
  return (
    <SegmentedControl
      size="xs"
      aria-label={t("explorer.contentSearch.mode")}
      value={mode}
      onChange={(v) => setMode(v as Mode)}
      data={[
        { value: "names", label: t("explorer.contentSearch.modeNames") },
        { value: "contents", label: t("explorer.contentSearch.modeContents") },
      ]}
    />
  );
}

type PopoverProps = {
  open: boolean;
  setOpen: (next: boolean | ((old: boolean) => boolean)) => void;
  filtered: boolean;
  children: ReactNode;
};

function FiltersPopover({ open, setOpen, filtered, children }: PopoverProps) {
  const { t } = useTranslation();
  return (
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
          {children}
        </Suspense>
      </Popover.Dropdown>
    </Popover>
  );
}
