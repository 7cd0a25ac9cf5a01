// Search in the folder on screen and below: a name box, and a popover of filters (type,
// category, size, modified dates, tag). The search is a URI, so it can be bookmarked and pinned.
import {
  ActionIcon,
  Button,
  Group,
  Indicator,
  NativeSelect,
  NumberInput,
  Popover,
  SegmentedControl,
  Stack,
  TextInput,
} from "@mantine/core";
import { IconAdjustments, IconSearch } from "@tabler/icons-react";
import { type FormEvent, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { NO_FILTERS, parseSearch, type SearchFilters, searchUri } from "./search";

const MB = 1024 * 1024;

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
          <Popover.Target>
            <Indicator disabled={!filtered} size={8} offset={4}>
              <ActionIcon
                variant="default"
                size="lg"
                aria-label={t("explorer.search.filters")}
                aria-expanded={open}
                onClick={() => setOpen((o) => !o)}
              >
                <IconAdjustments size={16} />
              </ActionIcon>
            </Indicator>
          </Popover.Target>
          <Popover.Dropdown>
            <Stack gap="xs" w={260}>
              <SegmentedControl
                size="xs"
                aria-label={t("explorer.search.type")}
                value={f.type || "any"}
                onChange={(v) => set("type", v === "any" ? "" : (v as SearchFilters["type"]))}
                data={[
                  { value: "any", label: t("explorer.search.any") },
                  { value: "file", label: t("explorer.search.files") },
                  { value: "folder", label: t("explorer.search.folders") },
                ]}
              />
              <NativeSelect
                size="xs"
                label={t("explorer.search.category")}
                value={f.category}
                onChange={(e) =>
                  set("category", e.currentTarget.value as SearchFilters["category"])
                }
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
                  value={f.sizeMin === null ? "" : f.sizeMin / MB}
                  onChange={(v) => set("sizeMin", v === "" ? null : Math.round(Number(v) * MB))}
                />
                <NumberInput
                  size="xs"
                  label={t("explorer.search.sizeMax")}
                  min={0}
                  decimalScale={3}
                  value={f.sizeMax === null ? "" : f.sizeMax / MB}
                  onChange={(v) => set("sizeMax", v === "" ? null : Math.round(Number(v) * MB))}
                />
              </Group>
              <Group grow gap="xs">
                <TextInput
                  size="xs"
                  type="date"
                  label={t("explorer.search.from")}
                  value={f.updatedFrom}
                  onChange={(e) => set("updatedFrom", e.currentTarget.value)}
                />
                <TextInput
                  size="xs"
                  type="date"
                  label={t("explorer.search.to")}
                  value={f.updatedTo}
                  onChange={(e) => set("updatedTo", e.currentTarget.value)}
                />
              </Group>
              <TextInput
                size="xs"
                label={t("explorer.search.tag")}
                value={f.tag}
                onChange={(e) => set("tag", e.currentTarget.value)}
              />
              <Group justify="space-between">
                <Button
                  size="xs"
                  variant="subtle"
                  onClick={() => setF({ ...NO_FILTERS, name: f.name })}
                >
                  {t("explorer.search.reset")}
                </Button>
                <Button size="xs" onClick={() => submit()}>
                  {t("explorer.search.submit")}
                </Button>
              </Group>
            </Stack>
          </Popover.Dropdown>
        </Popover>
      </Group>
    </form>
  );
}
