// Under a list: how many rows there are, the page size, and the pages.
import { Group, Pagination, Select, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { PAGE_SIZES, type Search } from "./address";
import type { AdminListRequest } from "./types";

export function ListFooter(props: {
  total: number;
  request: AdminListRequest;
  setSearch: (changes: Search, resetPage?: boolean) => void;
}) {
  const { t } = useTranslation();
  const { request, setSearch } = props;
  const pages = Math.max(1, Math.ceil(props.total / request.page_size));
  return (
    <Group justify="space-between" gap="sm">
      <Text size="sm" c="dimmed">
        {t("admin.list.total", { count: props.total })}
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
  );
}
