// The one table every admin list uses, over the server's AdminList request (spec §14.1): the
// page, page size, sort and filters live in the address (so a filtered view can be reloaded,
// shared and gone back to), rows are picked with check boxes, and batch actions first say what
// they will do to which rows. Loading, empty and failed states are shown in words. The pieces
// are in `list/`; a page declares its columns, filters and actions.
import { Alert, Button, Group, Loader, Paper, Stack, Text } from "@mantine/core";
import { keepPreviousData, type UseQueryResult, useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { adminErrorMessage as errorMessage } from "./errors";
import { useListAddress } from "./list/address";
import { BatchBar } from "./list/BatchBar";
import { FilterBar } from "./list/FilterBar";
import { ListFooter } from "./list/ListFooter";
import { ListTable } from "./list/ListTable";
import { useSelection } from "./list/selection";
import type {
  AdminListRequest,
  AdminPage,
  BatchAction,
  Column,
  FilterField,
  Order,
} from "./list/types";

export { listRequestFrom } from "./list/address";
export type { AdminListRequest, AdminPage, BatchAction, Column, FilterField } from "./list/types";

export type AdminListProps<R> = {
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
  defaultOrder?: Order;
  emptyText?: string;
};

export function AdminList<R>(props: AdminListProps<R>) {
  const filters = props.filters ?? [];
  const batch = props.batchActions ?? [];
  const { search, request, setSearch, sortBy } = useListAddress(filters, props.defaultOrder);
  const list = useQuery({
    queryKey: ["admin", props.id, request],
    queryFn: () => props.fetchPage(request),
    placeholderData: keepPreviousData,
  });
  const rows = list.data?.rows ?? [];
  const selection = useSelection(rows, props.rowKey, request);

  return (
    <Stack gap="sm">
      <FilterBar filters={filters} search={search} onChange={setSearch} toolbar={props.toolbar} />
      <BatchBar id={props.id} actions={batch} selection={selection} rowName={props.rowName} />
      <Paper withBorder radius="sm" pos="relative">
        <ListState list={list} empty={rows.length === 0} emptyText={props.emptyText}>
          <ListTable
            title={props.title}
            rows={rows}
            columns={props.columns}
            rowKey={props.rowKey}
            rowName={props.rowName}
            rowActions={props.rowActions}
            selection={batch.length > 0 ? selection : undefined}
            request={request}
            sortBy={sortBy}
            busy={list.isFetching}
            stale={list.isFetching && list.isPlaceholderData}
          />
        </ListState>
      </Paper>
      <ListFooter total={list.data?.total ?? 0} request={request} setSearch={setSearch} />
    </Stack>
  );
}

/** The table, or in its place what keeps it from being shown: a failure, loading, no rows. */
function ListState(props: {
  list: UseQueryResult<unknown>;
  empty: boolean;
  emptyText?: string;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const { list } = props;
  let body = props.children;
  if (list.isError && !list.data) {
    body = (
      <Alert color="red" role="alert" m="sm" title={t("admin.list.failed")}>
        <Stack gap="xs" align="flex-start">
          <Text size="sm">{errorMessage(list.error)}</Text>
          <Button size="xs" variant="default" onClick={() => list.refetch()}>
            {t("error.retry")}
          </Button>
        </Stack>
      </Alert>
    );
  } else if (list.isPending) {
    body = (
      <Group justify="center" p="xl">
        <Loader size="sm" aria-label={t("admin.list.loading")} />
      </Group>
    );
  } else if (props.empty) {
    body = (
      <Text c="dimmed" ta="center" p="xl">
        {props.emptyText ?? t("admin.list.empty")}
      </Text>
    );
  }
  return (
    <>
      {body}
      {list.isError && list.data && (
        <Alert color="red" role="alert" m="sm">
          {errorMessage(list.error)}
        </Alert>
      )}
    </>
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
