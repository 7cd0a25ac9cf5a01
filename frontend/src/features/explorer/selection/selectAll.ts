// Select all means the whole folder: the pages not loaded yet are fetched first, then every
// row is selected. A new folder, or a page that fails, stops a pending select-all.
import { useCallback, useEffect, useState } from "react";
import type { Selection } from "./selection";

type Paging = {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  isFetchNextPageError: boolean;
  fetchNextPage: () => unknown;
};

export function useSelectAll(path: string, paging: Paging, selectEvery: Selection["selectAll"]) {
  const [selectingAll, setSelectingAll] = useState(false);
  const selectAll = useCallback(() => setSelectingAll(true), []);
  const stop = useCallback(() => setSelectingAll(false), []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new folder stops a pending select-all
  useEffect(() => setSelectingAll(false), [path]);
  const { hasNextPage, isFetchingNextPage, isFetchNextPageError, fetchNextPage } = paging;
  useEffect(() => {
    if (!selectingAll) return;
    if (isFetchNextPageError) setSelectingAll(false);
    else if (hasNextPage) {
      if (!isFetchingNextPage) void fetchNextPage();
    } else {
      selectEvery();
      setSelectingAll(false);
    }
  }, [
    selectingAll,
    hasNextPage,
    isFetchingNextPage,
    isFetchNextPageError,
    fetchNextPage,
    selectEvery,
  ]);
  return { selectingAll, selectAll, stop };
}
