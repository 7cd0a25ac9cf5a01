// The folder on screen as the explorer holds it: its URI parsed (a search, too), its listing
// in the view picked for it, the selection and select-all, and what the toolbar and the
// features' parts are told about it.
import { useSearch } from "@tanstack/react-router";
import { useCallback, useMemo } from "react";
import { useTranslation } from "react-i18next";
import { useListing } from "../../api/listing";
import { parseUri } from "../../lib/uri";
import { galleryOrder } from "./gallery/order";
import { useShownProps } from "./PropColumns";
import type { PartTarget } from "./parts";
import { parseSearch } from "./search";
import { useSelectAll } from "./selectAll";
import { useSelection } from "./selection";
import { type FolderView, fromServer, useFolderView } from "./view";

export function useFolderState() {
  const { t } = useTranslation();
  const { path } = useSearch({ from: "/app/home" });
  const parsed = parseUri(path);
  const fs = parsed?.fs ?? "my";
  const searching = parseSearch(path);
  const folderView = useFolderView(path);
  const listing = useListing(path, folderView.local);
  const loaded = useMemo(() => listing.data?.pages.flatMap((p) => p.files) ?? [], [listing.data]);
  const first = listing.data?.pages[0];
  const view = folderView.local ?? fromServer(first?.view);
  // The gallery shows the files in an order of its own: the selection's ranges follow it.
  const { mode, order_by, order_direction } = view;
  const files = useMemo(
    () => (mode === "gallery" ? galleryOrder(loaded, { order_by, order_direction }) : loaded),
    [loaded, mode, order_by, order_direction],
  );
  const selection = useSelection(files, path);
  const { fetchNextPage } = listing;
  // Not again while a page is on its way: a second call would cancel it and ask anew.
  const loadMore = useCallback(() => void fetchNextPage({ cancelRefetch: false }), [fetchNextPage]);
  const select = useSelectAll(path, listing, selection.selectAll);
  const rootName = t(`nav.root.${fs === "share" ? "share" : fs}` as "nav.root.my", {
    defaultValue: t("nav.root.my"),
  });
  const target: PartTarget = {
    folder: path,
    fs,
    id: parsed?.id,
    policyId: first?.storage_policy?.id,
    folderName: parsed?.segments.at(-1) ?? rootName,
  };
  return {
    path,
    parsed,
    fs,
    searching,
    writable: fs === "my" && !searching,
    listing,
    files,
    first,
    /** Every page is in: the count is exact, else a lower bound. */
    complete: !listing.hasNextPage,
    loadMore,
    view,
    setView: (next: Partial<FolderView>) => folderView.change({ ...view, ...next }, first?.view),
    propColumns: useShownProps(view.props),
    selection,
    select,
    rootName,
    target,
  };
}

export type FolderState = ReturnType<typeof useFolderState>;
