// `viewer_default_apps`: which viewer opens which extension, as a small table of extension and
// viewer, written back as the JSON object the setting holds (`{"log": "monaco"}`). The viewer
// ids are Cloudreve's, so that a site moved from Cloudreve keeps its choices; the web UI reads
// the object from the site config (`default_viewer_mapping`) and it wins over its own table.
import { ActionIcon, Button, Input, Select, Table, TextInput } from "@mantine/core";
import { IconPlus, IconTrash } from "@tabler/icons-react";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

/** The viewers the web UI has, by their Cloudreve ids. */
export const VIEWERS = ["image", "video", "music", "pdf", "markdown", "monaco"] as const;

type Row = { ext: string; viewer: string };

function parse(value: string): Row[] | null {
  try {
    const parsed = JSON.parse(value || "{}");
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return null;
    return Object.entries(parsed).map(([ext, viewer]) => ({ ext, viewer: String(viewer) }));
  } catch {
    return null;
  }
}

/** The rows as the setting's JSON: extensions lower case without a dot, empty ones left out. */
function serialize(rows: Row[]): string {
  const out: Record<string, string> = {};
  for (const { ext, viewer } of rows) {
    const key = ext.trim().toLowerCase().replace(/^\./, "");
    if (key && viewer) out[key] = viewer;
  }
  return JSON.stringify(out);
}

type Props = {
  label: string;
  description?: string;
  error?: string;
  value: string;
  onChange: (value: string) => void;
};

export function ViewerDefaultsEditor({ label, description, error, value, onChange }: Props) {
  const { t } = useTranslation();
  // Rows are kept here while typed (an extension half typed may clash with another row's), and
  // taken again from the value when it changes from outside (a reset, a save).
  const [rows, setRows] = useState<Row[] | null>(() => parse(value));
  useEffect(() => {
    setRows((current) => (current && serialize(current) === value ? current : parse(value)));
  }, [value]);
  if (!rows) return <Input.Error>{error ?? t("admin.settings.invalid.json")}</Input.Error>;
  const write = (next: Row[]) => {
    setRows(next);
    onChange(serialize(next));
  };
  return (
    <Input.Wrapper label={label} description={description} error={error}>
      <Table withTableBorder verticalSpacing={4} maw={520} aria-label={label} mt={4}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w="35%">{t("admin.viewers.extension")}</Table.Th>
            <Table.Th>{t("admin.viewers.viewer")}</Table.Th>
            <Table.Th w={40} />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row, i) => (
            <ViewerRow
              // biome-ignore lint/suspicious/noArrayIndexKey: extensions are being typed in these rows
              key={i}
              row={row}
              edit={(change) => write(rows.map((r, n) => (n === i ? { ...r, ...change } : r)))}
              remove={() => write(rows.filter((_, n) => n !== i))}
            />
          ))}
        </Table.Tbody>
      </Table>
      <Button
        mt="xs"
        size="xs"
        variant="default"
        leftSection={<IconPlus size={14} />}
        onClick={() => write([...rows, { ext: "", viewer: "monaco" }])}
      >
        {t("admin.viewers.add")}
      </Button>
    </Input.Wrapper>
  );
}

function ViewerRow({
  row,
  edit,
  remove,
}: {
  row: Row;
  edit: (change: Partial<Row>) => void;
  remove: () => void;
}) {
  const { t } = useTranslation();
  const known = (VIEWERS as readonly string[]).includes(row.viewer);
  const options = VIEWERS.map((v) => ({
    value: v,
    label: t(`admin.viewers.names.${v}` as "admin.viewers.names.image"),
  }));
  return (
    <Table.Tr>
      <Table.Td>
        <TextInput
          size="xs"
          aria-label={t("admin.viewers.extension")}
          placeholder="log"
          value={row.ext}
          onChange={(e) => edit({ ext: e.currentTarget.value })}
        />
      </Table.Td>
      <Table.Td>
        <Select
          size="xs"
          aria-label={t("admin.viewers.viewer")}
          allowDeselect={false}
          // An id the web UI lacks (a Cloudreve app) stays as it was, named as it is.
          data={known ? options : [...options, { value: row.viewer, label: row.viewer }]}
          value={row.viewer}
          onChange={(v) => v && edit({ viewer: v })}
        />
      </Table.Td>
      <Table.Td>
        <ActionIcon
          variant="subtle"
          color="red"
          aria-label={t("admin.viewers.remove")}
          onClick={remove}
        >
          <IconTrash size={16} />
        </ActionIcon>
      </Table.Td>
    </Table.Tr>
  );
}
