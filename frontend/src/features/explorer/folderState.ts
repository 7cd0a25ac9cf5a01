// The folder on screen as the explorer holds it: its URI parsed (a search, too), its listing
// in the view picked for it, the selection and select-all, and what the toolbar and the
// features' parts are told about it.
import { useSearch } from "@tanstack/react-router";
import { useCallback, useMemo } from "react";
import { useTranslation } from "react-i18next";
import { useListing } from "../../api/files/listing";
import { usePublicUser } from "../../api/sharing/permissions";
import { parseUri } from "../../lib/uri";
import { CAP, hasCapability } from "./actions";
import { galleryOrder } from "./gallery/order";
import { useShownProps } from "./list/PropColumns";
import { type FolderView, fromServer, useFolderView } from "./list/view";
import type { PartTarget } from "./parts";
import { parseSearch } from "./search/search";
import { useSelectAll } from "./selection/selectAll";
import { useSelection } from "./selection/selection";

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
  // Another user's drive, reached through what they shared with me: named for its owner.
  const ownerId = fs === "my" ? parsed?.id : undefined;
  const owner = usePublicUser(ownerId).data;
  const rootName = ownerId
    ? t("people.ownersDrive", { name: owner?.nickname ?? "" })
    : t(`nav.root.${fs === "share" ? "share" : fs}` as "nav.root.my", {
        defaultValue: t("nav.root.my"),
      });
  // What the folder lets the caller do (a grant may allow reading only).
  const capability = first?.props?.capability;
  // Nothing is added to a folder that could not be listed (gone, or no longer shared).
  const mayAdd = !listing.isError && (!capability || hasCapability(capability, CAP.upload));
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
    writable: fs === "my" && !searching && mayAdd,
    /** Rows may be dragged onto folders. */
    movable: fs === "my" && mayAdd,
    /** The folder is in the caller's own drive. */
    owned: fs === "my" && !ownerId,
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
