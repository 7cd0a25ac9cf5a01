// A folder's listing as one infinite query over the API's cursor pages (`next_page_token`).
// The order is the one the user picked in this tab, else the one the server keeps for the
// folder (its stored view), so it is only sent when picked here.
import { useInfiniteQuery } from "@tanstack/react-query";
import { api, type FileInfo, type Schemas, unwrap } from "../client";

/** Every folder's listing, and one folder's (its order added by `useListing`). */
export const listRoot = ["list"] as const;
export const listKey = (uri: string) => [...listRoot, uri] as const;

/** `FileInfo.type` of a folder. */
export const FOLDER = 1;

export type SortKey = "name" | "size" | "updated_at" | "created_at";
export type Order = { order_by: SortKey; order_direction: "asc" | "desc" };

export function useListing(uri: string, order?: Order) {
  return useInfiniteQuery({
    queryKey: [...listKey(uri), order ?? null],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET("/file", {
          params: {
            query: { uri, ...order, ...(pageParam ? { next_page_token: pageParam } : {}) },
          },
        }),
      ),
    getNextPageParam: (last) => last.pagination.next_token || undefined,
  });
}

/** The first page of a folder in the order the server keeps for it. */
export function fetchFirstPage(uri: string) {
  return unwrap(api.GET("/file", { params: { query: { uri } } }));
}

export type ServerView = Schemas["ExplorerView"];

/** Keeps `view` as the folder's view (`PATCH /file/view`), for the next visit and other devices. */
export async function saveFolderView(folder: string, view: ServerView) {
  await unwrap(api.PATCH("/file/view", { body: { uri: folder.split("?")[0] ?? folder, view } }));
}

/** Every entry of `folder`, page after page (bounded: the last page names no next one). */
export async function* folderChildren(folder: string): AsyncGenerator<FileInfo> {
  let token: string | undefined;
  do {
    const page = await unwrap(
      api.GET("/file", {
        params: { query: { uri: folder, ...(token ? { next_page_token: token } : {}) } },
      }),
    );
    yield* page.files;
    token = page.pagination.next_token || undefined;
  } while (token);
}
