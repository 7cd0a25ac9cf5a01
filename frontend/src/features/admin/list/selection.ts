// The rows picked with check boxes. A new page, sort or filter starts a new choice: rows out of
// sight are never acted on.
import { useEffect, useState } from "react";
import type { AdminListRequest } from "./types";

export function useSelection<R>(rows: R[], rowKey: (row: R) => number, request: AdminListRequest) {
  const [selected, setSelected] = useState<Map<number, R>>(new Map());
  const pageIdentity = JSON.stringify(request);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the request is the trigger
  useEffect(() => setSelected(new Map()), [pageIdentity]);

  const allOnPage = rows.length > 0 && rows.every((r) => selected.has(rowKey(r)));
  const someOnPage = rows.some((r) => selected.has(rowKey(r)));

  const toggle = (row: R) =>
    setSelected((current) => {
      const next = new Map(current);
      const key = rowKey(row);
      if (next.has(key)) next.delete(key);
      else next.set(key, row);
      return next;
    });
  const toggleAll = () =>
    setSelected(allOnPage ? new Map() : new Map(rows.map((r) => [rowKey(r), r])));
  const clear = () => setSelected(new Map());

  return {
    isSelected: (key: number) => selected.has(key),
    chosen: [...selected.values()],
    allOnPage,
    someOnPage,
    toggle,
    toggleAll,
    clear,
  };
}

export type Selection<R> = ReturnType<typeof useSelection<R>>;
