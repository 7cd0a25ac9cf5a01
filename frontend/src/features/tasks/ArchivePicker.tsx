// The extract dialog's entry picker: the archive's entries (`GET /file/archive`) as a tree
// with checkboxes; what is checked becomes the task's `file_mask`. An archive that cannot be
// listed (an encrypted 7z header, too many entries) is extracted whole.
import { Checkbox, Group, Loader, ScrollArea, Stack, Text } from "@mantine/core";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useArchiveEntries } from "../../api/files/archive";
import { errorMessage } from "../../lib/errors";
import { type EntryRow, entryRows, maskOf, toggle, within } from "./archiveEntries";

/** Rows shown at most; a larger archive is extracted whole. */
const MAX_ROWS = 2000;

type Props = {
  uri: string;
  /** The zip name encoding picked in the dialog (undefined: detect). */
  encoding?: string;
  /** Called with the mask (undefined = everything) and whether anything is checked. */
  onChange: (mask: string[] | undefined, any: boolean) => void;
};

export function ArchivePicker({ uri, encoding, onChange }: Props) {
  const { t } = useTranslation();
  const listing = useArchiveEntries(uri, encoding);
  const rows = useMemo(() => entryRows(listing.data?.files ?? []), [listing.data]);
  const [checked, setChecked] = useState<Set<string>>(new Set());
  useEffect(() => {
    setChecked(new Set(rows.map((r) => r.path)));
  }, [rows]);
  useEffect(() => {
    onChange(rows.length ? maskOf(rows, checked) : undefined, !rows.length || checked.size > 0);
  }, [rows, checked, onChange]);

  if (listing.isPending) {
    return (
      <Group gap="xs">
        <Loader size="xs" />
        <Text size="sm" c="dimmed">
          {t("archivePicker.loading")}
        </Text>
      </Group>
    );
  }
  if (listing.isError || rows.length > MAX_ROWS) {
    return (
      <Text size="sm" c="dimmed" data-testid="archive-unlisted">
        {listing.isError
          ? t("archivePicker.unlisted", { reason: errorMessage(listing.error) })
          : t("archivePicker.tooMany", { count: rows.length })}
      </Text>
    );
  }
  const all = rows.every((r) => checked.has(r.path));
  return (
    <Stack gap={4}>
      <Group justify="space-between" wrap="nowrap">
        <Text size="sm" fw={500}>
          {t("archivePicker.entries")}
        </Text>
        <Checkbox
          size="xs"
          label={t("archivePicker.all")}
          checked={all}
          indeterminate={!all && checked.size > 0}
          onChange={() => setChecked(all ? new Set() : new Set(rows.map((r) => r.path)))}
        />
      </Group>
      <ScrollArea.Autosize mah={220} type="auto" data-testid="archive-entries">
        <Stack gap={2} pr="sm">
          {rows.map((row) => (
            <EntryLine
              key={row.path}
              row={row}
              checked={checked.has(row.path)}
              partly={
                row.folder &&
                !checked.has(row.path) &&
                [...checked].some((p) => p !== row.path && within(p, row.path))
              }
              onToggle={() => setChecked((c) => toggle(rows, c, row))}
            />
          ))}
        </Stack>
      </ScrollArea.Autosize>
      <Text size="xs" c="dimmed">
        {all ? t("archivePicker.everything") : t("archivePicker.selected", { count: checked.size })}
      </Text>
    </Stack>
  );
}

function EntryLine(props: {
  row: EntryRow;
  checked: boolean;
  partly: boolean;
  onToggle: () => void;
}) {
  const { row } = props;
  return (
    <Checkbox
      size="xs"
      style={{ paddingLeft: row.depth * 16 }}
      checked={props.checked}
      indeterminate={props.partly}
      onChange={props.onToggle}
      label={row.folder ? `${row.name}/` : row.name}
      data-testid="archive-entry"
      data-path={row.path}
      styles={{ label: { wordBreak: "break-all" } }}
    />
  );
}
