// The folder's view (order, direction, list, thumbnail grid or photo gallery): what the server keeps for it
// (`view` of the listing), changed here and saved back with `PATCH /file/view`, so that it is
// restored on the next visit and on other devices.
import { useState } from "react";
import {
  type Order,
  type ServerView,
  type SortKey,
  saveFolderView,
} from "../../../api/files/listing";
import { getSession } from "../../../api/session";
import { notifyError } from "../../../lib/errors";

export type ViewMode = "list" | "grid" | "gallery";

export const VIEW_MODES: ViewMode[] = ["list", "grid", "gallery"];
/** `props`: the custom properties shown as list columns, by id. */
export type FolderView = Order & { mode: ViewMode; props: string[] };

/** The column type saved for a custom property column (see PropColumns.tsx). */
const CUSTOM_PROP_COLUMN = 9;

const SORT_KEYS: SortKey[] = ["name", "size", "updated_at", "created_at"];

/** Picked in this tab, by folder: shown at once, before the saved view is read back. */
const picked = new Map<string, FolderView>();

/**
 * The server's view as this explorer shows it. A view with no order is the server's default,
 * never saved by anyone (this explorer always saves an order): that one shows as a list.
 */
export function fromServer(view: ServerView | null | undefined): FolderView {
  const order = SORT_KEYS.find((k) => k === view?.order) ?? "name";
  return {
    order_by: order,
    order_direction: view?.order_direction === "desc" ? "desc" : "asc",
    mode: (view?.order && VIEW_MODES.find((m) => m === view.view)) || "list",
    props: (view?.columns ?? []).flatMap((c) =>
      c.props?.custom_props_id ? [c.props.custom_props_id] : [],
    ),
  };
}

export function useFolderView(folder: string) {
  const [, rerender] = useState(0);
  const local = picked.get(folder);
  const change = (view: FolderView, server: ServerView | null | undefined) => {
    picked.set(folder, view);
    rerender((n) => n + 1);
    // A visitor of a share keeps the view for this visit only.
    if (!getSession()) return;
    const body: ServerView = {
      page_size: server?.page_size && server.page_size >= 50 ? server.page_size : 100,
      order: view.order_by,
      order_direction: view.order_direction,
      view: view.mode,
      thumbnail: view.mode !== "list",
      // The tile width other clients chose for their gallery stays.
      ...(server?.gallery_width ? { gallery_width: server.gallery_width } : {}),
      // Columns other clients saved stay; the custom property ones are this view's.
      columns: [
        ...(server?.columns ?? []).filter((c) => !c.props?.custom_props_id),
        ...view.props.map((id) => ({ type: CUSTOM_PROP_COLUMN, props: { custom_props_id: id } })),
      ],
    };
    saveFolderView(folder, body).catch(notifyError);
  };
  return { local, change };
}
