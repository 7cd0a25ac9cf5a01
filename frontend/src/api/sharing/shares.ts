// Shares (`/share`): my shares, one share as a visitor sees it, and the changes; one key.
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { api, type Schemas, unwrap } from "../client";
import { queryClient } from "../queryClient";
import { useSession } from "../session";

export type Share = Schemas["Share"];
export type ShareOptions = {
  password?: string;
  isPrivate: boolean;
  /** Downloads allowed; 0 = unlimited. */
  downloads: number;
  /** Seconds from now; 0 = never. */
  expire: number;
  shareView: boolean;
  /** Show the folder's README on the share page. */
  showReadme: boolean;
  /** Visitors may only upload into the folder (deviations §5). */
  uploadOnly?: boolean;
  /** Bytes an upload-only share may receive in all; 0 = only the owner's quota. */
  uploadLimit?: number;
};

export const SHARES_KEY = ["shares"] as const;

function body(options: ShareOptions) {
  return {
    is_private: options.isPrivate,
    ...(options.isPrivate && options.password ? { password: options.password } : {}),
    downloads: options.downloads,
    expire: options.expire,
    share_view: options.shareView,
    show_readme: options.showReadme,
    upload_only: options.uploadOnly ?? false,
    upload_limit: options.uploadLimit ?? 0,
  };
}

/** The link of a new share of `uri`. */
export async function createShare(uri: string, options: ShareOptions): Promise<string> {
  const link = await unwrap(api.PUT("/share", { body: { uri, ...body(options) } }));
  queryClient.invalidateQueries({ queryKey: SHARES_KEY });
  return link as string;
}

export async function updateShare(id: string, options: ShareOptions): Promise<string> {
  const link = await unwrap(
    // The URI is ignored on an edit, but the request shape names it.
    api.POST("/share/{id}", { params: { path: { id } }, body: { uri: "", ...body(options) } }),
  );
  queryClient.invalidateQueries({ queryKey: SHARES_KEY });
  return link as string;
}

export async function deleteShare(id: string) {
  await unwrap(api.DELETE("/share/{id}", { params: { path: { id } } }));
  queryClient.invalidateQueries({ queryKey: SHARES_KEY });
}

/** The share's id from the link the server answers (`…/s/<id>[/<password>]`). */
export function shareIdOf(link: string): string | undefined {
  return /\/s\/([^/?#]+)/.exec(link)?.[1];
}

/** The in-app address of a share: the explorer on its URI. */
export function shareUri(id: string, password?: string): string {
  return `cloudreve://${id}${password ? `:${password}` : ""}@share`;
}

/** My shares, newest first, 50 a page. */
export function useMyShares() {
  return useInfiniteQuery({
    queryKey: [...SHARES_KEY, "mine"],
    initialPageParam: "",
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET("/share", {
          params: {
            query: {
              page_size: 50,
              order_by: "created_at",
              order_direction: "desc",
              ...(pageParam ? { next_page_token: pageParam } : {}),
            },
          },
        }),
      ),
    getNextPageParam: (last) => last.pagination?.next_token || undefined,
  });
}

/**
 * A share as the caller sees it, unlocked by `password` if it has one; opening the landing
 * counts a view, once: the answer is kept for the page's life.
 */
export function useShareInfo(id: string, password: string | undefined) {
  const session = useSession();
  return useQuery({
    // Apart from SHARES_KEY: a change to my shares must not count another view here.
    queryKey: ["share-info", id, password ?? "", session?.user.id],
    queryFn: () =>
      unwrap(
        api.GET("/share/info/{id}", {
          params: {
            path: { id },
            query: { password, count_views: true } as never,
          },
        }),
      ),
    retry: false,
    staleTime: Number.POSITIVE_INFINITY,
  });
}
