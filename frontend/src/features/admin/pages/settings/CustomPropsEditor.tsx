// The custom property definitions (`custom_props`) as a small table: one row per property with
// its id, name, type, bounds and options. Fields the table does not show (icon, default) are
// kept as they are. The server checks the whole list again when it is saved.
import {
  ActionIcon,
  Button,
  Input,
  NumberInput,
  Select,
  Table,
  TagsInput,
  TextInput,
} from "@mantine/core";
import { IconPlus, IconTrash } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";

type Prop = {
  id: string;
  name: string;
  type: string;
  min?: number;
  max?: number;
  options?: string[];
  [other: string]: unknown;
};

const TYPES = ["text", "number", "boolean", "select", "multi_select", "link", "rating"];

function parse(value: string): Prop[] | null {
  try {
    const parsed = JSON.parse(value);
    return Array.isArray(parsed) ? (parsed as Prop[]) : null;
  } catch {
    return null;
  }
}

type Props = {
  label: string;
  error?: string;
  value: string;
  onChange: (value: string) => void;
};

type RowProps = {
  row: Prop;
  edit: (change: Partial<Prop>) => void;
  remove: () => void;
};

/** Merges `change` into row `i`, dropping the bounds and options set back to nothing. */
function edited(rows: Prop[], i: number, change: Partial<Prop>): Prop[] {
  return rows.map((row, n) => {
    if (n !== i) return row;
    const merged: Prop = { ...row, ...change };
    for (const k of ["min", "max", "options"] as const) {
      if (merged[k] === undefined) delete merged[k];
    }
    return merged;
  });
}

export function CustomPropsEditor({ label, error, value, onChange }: Props) {
  const { t } = useTranslation();
  const rows = parse(value);
  if (!rows) {
    return <Input.Error>{error ?? t("admin.settings.invalid.json")}</Input.Error>;
  }
  const write = (next: Prop[]) => onChange(JSON.stringify(next));
  return (
    <Input.Wrapper label={label} error={error} description={t("customProps.admin.hint")}>
      <Table.ScrollContainer minWidth={720}>
        <Table
          withTableBorder
          verticalSpacing={4}
          aria-label={label}
          data-testid="custom-props-editor"
        >
          <HeadRow />
          <Table.Tbody>
            {rows.map((row, i) => (
              <PropRow
                // biome-ignore lint/suspicious/noArrayIndexKey: ids are being typed in these rows
                key={i}
                row={row}
                edit={(change) => write(edited(rows, i, change))}
                remove={() => write(rows.filter((_, n) => n !== i))}
              />
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Button
        mt="xs"
        size="xs"
        variant="default"
        leftSection={<IconPlus size={14} />}
        onClick={() => write([...rows, { id: `prop${rows.length + 1}`, name: "", type: "text" }])}
      >
        {t("customProps.admin.add")}
      </Button>
    </Input.Wrapper>
  );
}

function HeadRow() {
  const { t } = useTranslation();
  return (
    <Table.Thead>
      <Table.Tr>
        <Table.Th w={110}>{t("customProps.admin.id")}</Table.Th>
        <Table.Th>{t("customProps.admin.name")}</Table.Th>
        <Table.Th w={140}>{t("customProps.admin.type")}</Table.Th>
        <Table.Th w={80}>{t("customProps.admin.min")}</Table.Th>
        <Table.Th w={80}>{t("customProps.admin.max")}</Table.Th>
        <Table.Th>{t("customProps.admin.options")}</Table.Th>
        <Table.Th w={40} />
      </Table.Tr>
    </Table.Thead>
  );
}

const number = (v: string | number) => (v === "" ? undefined : Number(v));

function PropRow({ row, edit, remove }: RowProps) {
  const { t } = useTranslation();
  const bound = (which: "min" | "max") => (
    <Table.Td>
      <NumberInput
        size="xs"
        aria-label={t(`customProps.admin.${which}`)}
        allowDecimal={false}
        value={row[which] ?? ""}
        onChange={(v) => edit({ [which]: number(v) })}
      />
    </Table.Td>
  );
  return (
    <Table.Tr>
      <Table.Td>
        <TextInput
          size="xs"
          aria-label={t("customProps.admin.id")}
          value={row.id}
          onChange={(e) => edit({ id: e.currentTarget.value })}
        />
      </Table.Td>
      <Table.Td>
        <TextInput
          size="xs"
          aria-label={t("customProps.admin.name")}
          value={row.name}
          onChange={(e) => edit({ name: e.currentTarget.value })}
        />
      </Table.Td>
      <Table.Td>
        <Select
          size="xs"
          aria-label={t("customProps.admin.type")}
          allowDeselect={false}
          data={TYPES.map((v) => ({
            value: v,
            label: t(`customProps.types.${v}` as "customProps.types.text"),
          }))}
          value={row.type}
          onChange={(v) => v && edit({ type: v })}
        />
      </Table.Td>
      {bound("min")}
      {bound("max")}
      <Table.Td>
        {row.type === "select" || row.type === "multi_select" ? (
          <TagsInput
            size="xs"
            aria-label={t("customProps.admin.options")}
            value={row.options ?? []}
            onChange={(v) => edit({ options: v.length ? v : undefined })}
          />
        ) : null}
      </Table.Td>
      <Table.Td>
        <ActionIcon
          variant="subtle"
          color="red"
          aria-label={t("customProps.admin.remove")}
          onClick={remove}
        >
          <IconTrash size={16} />
        </ActionIcon>
      </Table.Td>
    </Table.Tr>
  );
}
