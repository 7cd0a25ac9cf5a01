// The table of one page of rows: a check box per row when there are batch actions, the
// declared columns (sortable ones as buttons), and the row's own buttons kept in sight.
import { Checkbox, Group, Table, UnstyledButton, VisuallyHidden } from "@mantine/core";
import { IconArrowDown, IconArrowsSort, IconArrowUp } from "@tabler/icons-react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { Selection } from "./selection";
import type { AdminListRequest, Column } from "./types";

/** The row buttons stay in sight when a narrow window scrolls the table sideways. */
const STICKY_END = {
  position: "sticky",
  right: 0,
  background: "var(--mantine-color-body)",
} as const;

const CELL = { whiteSpace: "nowrap" } as const;

export type TableProps<R> = {
  title: string;
  rows: R[];
  columns: Column<R>[];
  rowKey: (row: R) => number;
  rowName: (row: R) => string;
  rowActions?: (row: R) => ReactNode;
  /** Absent when the list has no batch actions (and so no check boxes). */
  selection?: Selection<R>;
  request: AdminListRequest;
  sortBy: (column: string) => void;
  busy: boolean;
  stale: boolean;
};

export function ListTable<R>(props: TableProps<R>) {
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table
        verticalSpacing="xs"
        highlightOnHover
        aria-label={props.title}
        aria-busy={props.busy}
        style={{ opacity: props.stale ? 0.6 : 1 }}
      >
        <Table.Thead>
          <HeadRow {...props} />
        </Table.Thead>
        <Table.Tbody>
          {props.rows.map((row) => (
            <Row key={props.rowKey(row)} row={row} {...props} />
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function HeadRow<R>(props: TableProps<R>) {
  const { t } = useTranslation();
  const { request, selection } = props;
  const direction = request.order_direction === "asc" ? "ascending" : "descending";
  return (
    <Table.Tr>
      {selection && (
        <Table.Th w={40}>
          <Checkbox
            aria-label={t("admin.list.selectPage")}
            checked={selection.allOnPage}
            indeterminate={selection.someOnPage && !selection.allOnPage}
            onChange={selection.toggleAll}
          />
        </Table.Th>
      )}
      {props.columns.map((column) => {
        const sorted = !!column.sort && request.order_by === column.sort;
        return (
          <Table.Th
            key={column.key}
            ta={column.numeric ? "right" : undefined}
            style={CELL}
            aria-sort={sorted ? direction : undefined}
          >
            {column.sort ? (
              <SortButton
                label={column.label}
                active={sorted}
                ascending={request.order_direction === "asc"}
                onClick={() => column.sort && props.sortBy(column.sort)}
              />
            ) : (
              column.label
            )}
          </Table.Th>
        );
      })}
      {props.rowActions && (
        <Table.Th style={STICKY_END}>
          <VisuallyHidden>{t("admin.list.actions")}</VisuallyHidden>
        </Table.Th>
      )}
    </Table.Tr>
  );
}

function Row<R>(props: TableProps<R> & { row: R }) {
  const { t } = useTranslation();
  const { row, selection } = props;
  const key = props.rowKey(row);
  const picked = selection?.isSelected(key) ?? false;
  return (
    <Table.Tr bg={picked ? "var(--mantine-primary-color-light)" : undefined}>
      {selection && (
        <Table.Td>
          <Checkbox
            aria-label={t("admin.list.selectRow", { name: props.rowName(row) })}
            checked={picked}
            onChange={() => selection.toggle(row)}
          />
        </Table.Td>
      )}
      {props.columns.map((column) => (
        <Table.Td key={column.key} ta={column.numeric ? "right" : undefined} style={CELL}>
          {column.render(row)}
        </Table.Td>
      ))}
      {props.rowActions && (
        <Table.Td style={STICKY_END}>
          <Group gap={4} justify="flex-end" wrap="nowrap">
            {props.rowActions(row)}
          </Group>
        </Table.Td>
      )}
    </Table.Tr>
  );
}

function SortButton(props: {
  label: string;
  active: boolean;
  ascending: boolean;
  onClick: () => void;
}) {
  const Icon = !props.active ? IconArrowsSort : props.ascending ? IconArrowUp : IconArrowDown;
  return (
    <UnstyledButton
      onClick={props.onClick}
      fw={700}
      fz="sm"
      style={{ display: "inline-flex", gap: 4, alignItems: "center" }}
    >
      {props.label}
      <Icon size={14} stroke={1.6} opacity={props.active ? 1 : 0.4} />
    </UnstyledButton>
  );
}
