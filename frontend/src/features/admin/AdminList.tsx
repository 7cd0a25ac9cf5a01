// The one table every admin list uses, over the server's AdminList request (spec §14.1): the
// page, page size, sort and filters live in the address (so a filtered view can be reloaded,
// shared and gone back to), rows are picked with check boxes, and batch actions first say what
// they will do to which rows. Loading, empty and failed states are shown in words.
import {
  Alert,
  Box,
  Button,
  Checkbox,
  Group,
  Loader,
  Pagination,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  UnstyledButton,
  VisuallyHidden,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconArrowDown, IconArrowsSort, IconArrowUp } from "@tabler/icons-react";
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useNavigate, useSearch } from "@tanstack/react-router";
import { type ReactNode, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Schemas } from "../../api/client";
import { ConfirmModal } from "./ConfirmModal";
import { adminErrorMessage as errorMessage } from "./errors";

export type AdminListRequest = Schemas["AdminListRequest"];
export type AdminPage<R> = { rows: R[]; total: number };

export type Column<R> = {
  key: string;
  label: string;
  /** The server's sort column, when the list can be sorted by this one. */
  sort?: string;
  render: (row: R) => ReactNode;
  /** Right-aligned numbers. */
  numeric?: boolean;
};

export type FilterField = {
  /** The key sent to the server, and the name in the address. */
  key: string;
  label: string;
  /** `condition` (exact) or `search` (contains); conditions by default. */
  kind?: "condition" | "search";
  /** Free text (default), a choice among `options`, or a date and time. */
  type?: "text" | "select" | "datetime";
  options?: { value: string; label: string }[];
};

export type BatchAction<R> = {
  key: string;
  label: string;
  /** What will happen to the chosen rows, in words, shown before anything is done. */
  describe: (rows: R[]) => ReactNode;
  confirmLabel: string;
  danger?: boolean;
  run: (rows: R[]) => Promise<void>;
};

type Props<R> = {
  /** Names the list's cached pages (`["admin", id, …]`) and its table for screen readers. */
  id: string;
  title: string;
  fetchPage: (request: AdminListRequest) => Promise<AdminPage<R>>;
  columns: Column<R>[];
  rowKey: (row: R) => number;
  /** How a row is named in a confirmation. */
  rowName: (row: R) => string;
  filters?: FilterField[];
  batchActions?: BatchAction<R>[];
  /** Buttons at the end of each row. */
  rowActions?: (row: R) => ReactNode;
  /** Buttons above the table (create, export…). */
  toolbar?: ReactNode;
  defaultOrder?: { by: string; direction: "asc" | "desc" };
  emptyText?: string;
};

/** The row buttons stay in sight when a narrow window scrolls the table sideways. */
const STICKY_END = {
  position: "sticky",
  right: 0,
  background: "var(--mantine-color-body)",
} as const;

const PAGE_SIZES = ["10", "25", "50", "100"];
const DEFAULT_PAGE_SIZE = 25;

type Search = Record<string, unknown>;

function text(value: unknown): string {
  if (value === undefined || value === null) return "";
  return String(value);
}

/** The AdminList request the address describes. */
export function listRequestFrom(
  search: Search,
  filters: FilterField[],
  defaultOrder?: { by: string; direction: "asc" | "desc" },
): AdminListRequest {
  const page = Math.max(1, Number.parseInt(text(search.page), 10) || 1);
  const size = Number.parseInt(text(search.page_size), 10);
  const conditions: Record<string, string> = {};
  const searches: Record<string, string> = {};
  for (const filter of filters) {
    const value = text(search[filter.key]).trim();
    if (!value) continue;
    const wire = filter.type === "datetime" ? toRfc3339(value) : value;
    if (filter.kind === "search") searches[filter.key] = wire;
    else conditions[filter.key] = wire;
  }
  return {
    page,
    page_size: PAGE_SIZES.includes(String(size)) ? size : DEFAULT_PAGE_SIZE,
    order_by: text(search.order_by) || defaultOrder?.by || "id",
    order_direction:
      text(search.order_direction) === "asc" || text(search.order_direction) === "desc"
        ? text(search.order_direction)
        : (defaultOrder?.direction ?? "desc"),
    conditions,
    searches,
  };
}

/** A `datetime-local` value (local time, no zone) as the instant the server reads. */
function toRfc3339(local: string): string {
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? local : date.toISOString();
}

export function AdminList<R>(props: Props<R>) {
  const { t } = useTranslation();
  const filters = props.filters ?? [];
  const search = useSearch({ strict: false }) as Search;
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const request = listRequestFrom(search, filters, props.defaultOrder);

  const setSearch = (changes: Search, resetPage = true) =>
    navigate({
      to: ".",
      search: (previous: Search) => {
        const next: Search = { ...previous, ...changes };
        if (resetPage) delete next.page;
        for (const [key, value] of Object.entries(next)) {
          if (value === "" || value === undefined) delete next[key];
          // Whole numbers as numbers, so the address reads `?page=2`, not `?page=%222%22`.
          else if (typeof value === "string" && /^[1-9]\d{0,14}$/.test(value))
            next[key] = Number(value);
        }
        return next;
      },
      replace: true,
    } as never);

  const list = useQuery({
    queryKey: ["admin", props.id, request],
    queryFn: () => props.fetchPage(request),
    placeholderData: keepPreviousData,
  });

  const [selected, setSelected] = useState<Map<number, R>>(new Map());
  const pageIdentity = JSON.stringify(request);
  // A new page, sort or filter starts a new choice: rows out of sight are never acted on.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the request is the trigger
  useEffect(() => setSelected(new Map()), [pageIdentity]);

  const [pending, setPending] = useState<BatchAction<R> | null>(null);
  const rows = list.data?.rows ?? [];
  const total = list.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / request.page_size));
  const allOnPage = rows.length > 0 && rows.every((r) => selected.has(props.rowKey(r)));
  const someOnPage = rows.some((r) => selected.has(props.rowKey(r)));
  const batch = props.batchActions ?? [];

  const toggle = (row: R) =>
    setSelected((current) => {
      const next = new Map(current);
      const key = props.rowKey(row);
      if (next.has(key)) next.delete(key);
      else next.set(key, row);
      return next;
    });
  const toggleAll = () =>
    setSelected(allOnPage ? new Map() : new Map(rows.map((r) => [props.rowKey(r), r])));

  const sortBy = (column: string) => {
    const same = request.order_by === column;
    setSearch(
      {
        order_by: column,
        order_direction: same && request.order_direction === "asc" ? "desc" : "asc",
      },
      true,
    );
  };

  const chosen = [...selected.values()];

  return (
    <Stack gap="sm">
      {(filters.length > 0 || props.toolbar) && (
        <Group justify="space-between" align="flex-end" gap="sm">
          <Group gap="sm" align="flex-end" wrap="wrap">
            {filters.map((filter) => (
              <FilterInput
                key={filter.key}
                filter={filter}
                value={text(search[filter.key])}
                onChange={(value) => setSearch({ [filter.key]: value })}
              />
            ))}
          </Group>
          {props.toolbar && <Group gap="sm">{props.toolbar}</Group>}
        </Group>
      )}

      {batch.length > 0 && (
        <Group gap="sm" mih={36} aria-live="polite">
          <Text size="sm" c="dimmed">
            {chosen.length
              ? t("admin.list.selected", { count: chosen.length })
              : t("admin.list.selectHint")}
          </Text>
          {chosen.length > 0 &&
            batch.map((action) => (
              <Button
                key={action.key}
                size="xs"
                color={action.danger ? "red" : undefined}
                variant={action.danger ? "filled" : "default"}
                onClick={() => setPending(action)}
              >
                {action.label}
              </Button>
            ))}
        </Group>
      )}

      <Paper withBorder radius="sm" pos="relative">
        {list.isError && !list.data ? (
          <Alert color="red" role="alert" m="sm" title={t("admin.list.failed")}>
            <Stack gap="xs" align="flex-start">
              <Text size="sm">{errorMessage(list.error)}</Text>
              <Button size="xs" variant="default" onClick={() => list.refetch()}>
                {t("error.retry")}
              </Button>
            </Stack>
          </Alert>
        ) : list.isPending ? (
          <Group justify="center" p="xl">
            <Loader size="sm" aria-label={t("admin.list.loading")} />
          </Group>
        ) : rows.length === 0 ? (
          <Text c="dimmed" ta="center" p="xl">
            {props.emptyText ?? t("admin.list.empty")}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={720}>
            <Table
              verticalSpacing="xs"
              highlightOnHover
              aria-label={props.title}
              aria-busy={list.isFetching}
              style={{ opacity: list.isFetching && list.isPlaceholderData ? 0.6 : 1 }}
            >
              <Table.Thead>
                <Table.Tr>
                  {batch.length > 0 && (
                    <Table.Th w={40}>
                      <Checkbox
                        aria-label={t("admin.list.selectPage")}
                        checked={allOnPage}
                        indeterminate={someOnPage && !allOnPage}
                        onChange={toggleAll}
                      />
                    </Table.Th>
                  )}
                  {props.columns.map((column) => (
                    <Table.Th
                      key={column.key}
                      ta={column.numeric ? "right" : undefined}
                      style={{ whiteSpace: "nowrap" }}
                      aria-sort={
                        column.sort && request.order_by === column.sort
                          ? request.order_direction === "asc"
                            ? "ascending"
                            : "descending"
                          : undefined
                      }
                    >
                      {column.sort ? (
                        <SortButton
                          label={column.label}
                          active={request.order_by === column.sort}
                          ascending={request.order_direction === "asc"}
                          onClick={() => column.sort && sortBy(column.sort)}
                        />
                      ) : (
                        column.label
                      )}
                    </Table.Th>
                  ))}
                  {props.rowActions && (
                    <Table.Th style={STICKY_END}>
                      <VisuallyHidden>{t("admin.list.actions")}</VisuallyHidden>
                    </Table.Th>
                  )}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((row) => {
                  const key = props.rowKey(row);
                  return (
                    <Table.Tr
                      key={key}
                      bg={selected.has(key) ? "var(--mantine-primary-color-light)" : undefined}
                    >
                      {batch.length > 0 && (
                        <Table.Td>
                          <Checkbox
                            aria-label={t("admin.list.selectRow", { name: props.rowName(row) })}
                            checked={selected.has(key)}
                            onChange={() => toggle(row)}
                          />
                        </Table.Td>
                      )}
                      {props.columns.map((column) => (
                        <Table.Td
                          key={column.key}
                          ta={column.numeric ? "right" : undefined}
                          style={{ whiteSpace: "nowrap" }}
                        >
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
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {list.isError && list.data && (
          <Alert color="red" role="alert" m="sm">
            {errorMessage(list.error)}
          </Alert>
        )}
      </Paper>

      <Group justify="space-between" gap="sm">
        <Text size="sm" c="dimmed">
          {t("admin.list.total", { count: total })}
        </Text>
        <Group gap="sm">
          <Select
            aria-label={t("admin.list.pageSize")}
            data={PAGE_SIZES.map((s) => ({
              value: s,
              label: t("admin.list.perPage", { count: Number(s) }),
            }))}
            value={String(request.page_size)}
            onChange={(value) => value && setSearch({ page_size: value })}
            allowDeselect={false}
            w={130}
            size="xs"
          />
          <Pagination
            total={pages}
            value={Math.min(request.page, pages)}
            onChange={(page) => setSearch({ page: page === 1 ? "" : String(page) }, false)}
            size="sm"
            getControlProps={(control) => ({
              "aria-label": t(`admin.list.${control}` as "admin.list.next"),
            })}
            getItemProps={(page) => ({ "aria-label": t("admin.list.page", { page }) })}
          />
        </Group>
      </Group>

      {pending && (
        <ConfirmModal
          title={pending.label}
          confirmLabel={pending.confirmLabel}
          danger={pending.danger}
          onClose={() => setPending(null)}
          onConfirm={async () => {
            try {
              await pending.run(chosen);
            } finally {
              await queryClient.invalidateQueries({ queryKey: ["admin", props.id] });
            }
            setSelected(new Map());
          }}
        >
          {pending.describe(chosen)}
          <NamedRows names={chosen.map(props.rowName)} />
        </ConfirmModal>
      )}
    </Stack>
  );
}

/** The first rows named, and how many more. */
function NamedRows({ names }: { names: string[] }) {
  const { t } = useTranslation();
  const shown = names.slice(0, 10);
  return (
    <Box component="ul" my="xs" pl="lg">
      {shown.map((name) => (
        <li key={name}>
          <Text size="sm" component="span">
            {name}
          </Text>
        </li>
      ))}
      {names.length > shown.length && (
        <li>
          <Text size="sm" c="dimmed" component="span">
            {t("admin.list.andMore", { count: names.length - shown.length })}
          </Text>
        </li>
      )}
    </Box>
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

/** One filter: text is sent once typing pauses, choices at once. */
function FilterInput(props: {
  filter: FilterField;
  value: string;
  onChange: (value: string) => void;
}) {
  const { t } = useTranslation();
  const { filter } = props;
  const [draft, setDraft] = useState(props.value);
  const [settled] = useDebouncedValue(draft, 350);
  useEffect(() => setDraft(props.value), [props.value]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a settled draft is sent
  useEffect(() => {
    if (filter.type !== "select" && settled !== props.value) props.onChange(settled);
  }, [settled]);

  if (filter.type === "select") {
    return (
      <Select
        label={filter.label}
        data={filter.options ?? []}
        value={props.value || null}
        onChange={(value) => props.onChange(value ?? "")}
        placeholder={t("admin.list.any")}
        clearable
        w={180}
        size="sm"
      />
    );
  }
  return (
    <TextInput
      label={filter.label}
      type={filter.type === "datetime" ? "datetime-local" : "text"}
      value={draft}
      onChange={(event) => setDraft(event.currentTarget.value)}
      w={filter.type === "datetime" ? 210 : 180}
      size="sm"
    />
  );
}

/** Every page of a list with these filters, for exports; stops after `limit` rows. */
export async function fetchAll<R>(
  fetchPage: (request: AdminListRequest) => Promise<AdminPage<R>>,
  request: AdminListRequest,
  limit = 20_000,
): Promise<R[]> {
  const out: R[] = [];
  const pageSize = 1000;
  for (let page = 1; out.length < limit; page++) {
    const { rows, total } = await fetchPage({ ...request, page, page_size: pageSize });
    out.push(...rows);
    if (rows.length < pageSize || out.length >= total) break;
  }
  return out.slice(0, limit);
}
