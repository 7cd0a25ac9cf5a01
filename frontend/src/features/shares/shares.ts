// What the share pages ask of the server.
import { api, type Schemas, unwrap } from "../../api/client";
import { queryClient } from "../../api/queryClient";

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
