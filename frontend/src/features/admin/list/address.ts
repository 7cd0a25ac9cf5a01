// The list's state lives in the address (page, page size, sort, filters), so a filtered view can
// be reloaded, shared and gone back to. This reads the request from it and writes changes back.
import { useNavigate, useSearch } from "@tanstack/react-router";
import type { AdminListRequest, FilterField, Order } from "./types";

export type Search = Record<string, unknown>;

export const PAGE_SIZES = ["10", "25", "50", "100"];
const DEFAULT_PAGE_SIZE = 25;

export function text(value: unknown): string {
  if (value === undefined || value === null) return "";
  return String(value);
}

/** The AdminList request the address describes. */
export function listRequestFrom(
  search: Search,
  filters: FilterField[],
  defaultOrder?: Order,
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

/** The address's search, the request it names, and a way to change it. */
export function useListAddress(filters: FilterField[], defaultOrder?: Order) {
  const search = useSearch({ strict: false }) as Search;
  const navigate = useNavigate();
  const request = listRequestFrom(search, filters, defaultOrder);

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

  const sortBy = (column: string) => {
    const same = request.order_by === column;
    setSearch({
      order_by: column,
      order_direction: same && request.order_direction === "asc" ? "desc" : "asc",
    });
  };

  return { search, request, setSearch, sortBy };
}
