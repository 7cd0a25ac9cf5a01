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

export function CustomPropsEditor({ label, error, value, onChange }: Props) {
  const { t } = useTranslation();
  const rows = parse(value);
  if (!rows) {
    return <Input.Error>{error ?? t("admin.settings.invalid.json")}</Input.Error>;
  }
  const write = (next: Prop[]) => onChange(JSON.stringify(next));
  const edit = (i: number, change: Partial<Prop>) =>
    write(
      rows.map((row, n) => {
        if (n !== i) return row;
        const merged: Prop = { ...row, ...change };
        for (const k of ["min", "max", "options"] as const) {
          if (merged[k] === undefined) delete merged[k];
        }
        return merged;
      }),
    );
  const number = (v: string | number) => (v === "" ? undefined : Number(v));
  return (
    <Input.Wrapper label={label} error={error} description={t("customProps.admin.hint")}>
      <Table.ScrollContainer minWidth={720}>
        <Table
          withTableBorder
          verticalSpacing={4}
          aria-label={label}
          data-testid="custom-props-editor"
        >
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
          <Table.Tbody>
            {rows.map((row, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: ids are being typed in these rows
              <Table.Tr key={i}>
                <Table.Td>
                  <TextInput
                    size="xs"
                    aria-label={t("customProps.admin.id")}
                    value={row.id}
                    onChange={(e) => edit(i, { id: e.currentTarget.value })}
                  />
                </Table.Td>
                <Table.Td>
                  <TextInput
                    size="xs"
                    aria-label={t("customProps.admin.name")}
                    value={row.name}
                    onChange={(e) => edit(i, { name: e.currentTarget.value })}
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
                    onChange={(v) => v && edit(i, { type: v })}
                  />
                </Table.Td>
                <Table.Td>
                  <NumberInput
                    size="xs"
                    aria-label={t("customProps.admin.min")}
                    allowDecimal={false}
                    value={row.min ?? ""}
                    onChange={(v) => edit(i, { min: number(v) })}
                  />
                </Table.Td>
                <Table.Td>
                  <NumberInput
                    size="xs"
                    aria-label={t("customProps.admin.max")}
                    allowDecimal={false}
                    value={row.max ?? ""}
                    onChange={(v) => edit(i, { max: number(v) })}
                  />
                </Table.Td>
                <Table.Td>
                  {row.type === "select" || row.type === "multi_select" ? (
                    <TagsInput
                      size="xs"
                      aria-label={t("customProps.admin.options")}
                      value={row.options ?? []}
                      onChange={(v) => edit(i, { options: v.length ? v : undefined })}
                    />
                  ) : null}
                </Table.Td>
                <Table.Td>
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    aria-label={t("customProps.admin.remove")}
                    onClick={() => write(rows.filter((_, n) => n !== i))}
                  >
                    <IconTrash size={16} />
                  </ActionIcon>
                </Table.Td>
              </Table.Tr>
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
