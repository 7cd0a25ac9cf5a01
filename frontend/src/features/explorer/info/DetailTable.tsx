// The info panel's two-column tables (details, photo, music, streams): a heading when given,
// and only the rows that have a value.
import { Table, Title } from "@mantine/core";
import type { ReactNode } from "react";

export type Row = [label: string, value: ReactNode];

type Props = {
  rows: Row[];
  /** A section with this heading (its id `${id}-title`), else the table alone, labelled. */
  title?: string;
  id: string;
  label?: string;
  testId?: string;
};

export function DetailTable({ rows, title, id, label, testId }: Props) {
  const table = (
    <Table
      variant="vertical"
      layout="fixed"
      withTableBorder
      aria-label={title ? undefined : label}
      aria-labelledby={title ? `${id}-title` : undefined}
      data-testid={title ? undefined : testId}
    >
      <Table.Tbody>
        {rows
          .filter(([, v]) => v !== undefined && v !== null && v !== false && v !== "")
          .map(([k, v]) => (
            <Table.Tr key={k}>
              <Table.Th w={120}>{k}</Table.Th>
              <Table.Td style={{ overflowWrap: "anywhere" }}>{v}</Table.Td>
            </Table.Tr>
          ))}
      </Table.Tbody>
    </Table>
  );
  if (!title) return table;
  return (
    <section aria-labelledby={`${id}-title`} data-testid={testId}>
      <Title order={4} id={`${id}-title`} mb="xs">
        {title}
      </Title>
      {table}
    </section>
  );
}
