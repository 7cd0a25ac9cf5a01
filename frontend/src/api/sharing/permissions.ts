// Sharing with people (`/file/permission`): who may open one of the caller's items, changing
// that, finding the people to add (`/user/search`) and a user's public profile (`/user/info`)
// for the owners shown under "Shared with me".
import { useQuery } from "@tanstack/react-query";
import { api, type Schemas, unwrap } from "../client";
import { listRoot } from "../files/listing";
import { queryClient } from "../queryClient";

export type Grant = Schemas["PermissionEntry"];
export type Access = "read" | "write";
export type PublicUser = Schemas["User"];

const grantsKey = (uri: string) => ["grants", uri] as const;

export function useGrants(uri: string) {
  return useQuery({
    queryKey: grantsKey(uri),
    queryFn: () => unwrap(api.GET("/file/permission", { params: { query: { uri } } })),
    select: (answer) => answer.entries,
  });
}

/**
 * Merges changes into the item's grants (`none` takes one away) and keeps the answer, which
 * lists them all; listings are refreshed so the explorer's mark follows. Answers the grants and
 * whether people asked to be mailed were.
 */
export async function setGrants(
  uri: string,
  change: {
    users?: Record<string, Access | "none">;
    groups?: Record<string, Access | "none">;
    /** E-mail the users who get access now and had none. */
    notify?: boolean;
  },
) {
  const answer = await unwrap(api.PUT("/file/permission", { body: { uri, ...change } }));
  queryClient.setQueryData(grantsKey(uri), answer);
  await queryClient.invalidateQueries({ queryKey: listRoot });
  // False when mail was asked for and the site has no mail server: nobody was told.
  return { entries: answer.entries, mailSent: answer.mail_sent };
}

/** People matching `keyword`: an exact e-mail address, or at least 3 letters of a name. */
export function useUserSearch(keyword: string) {
  const trimmed = keyword.trim();
  return useQuery({
    queryKey: ["user-search", trimmed],
    queryFn: () => unwrap(api.GET("/user/search", { params: { query: { keyword: trimmed } } })),
    enabled: trimmed.length >= 3,
    staleTime: 30_000,
  });
}

/** A user's public profile (nick and avatar), kept for the session. */
export function usePublicUser(id: string | undefined) {
  return useQuery({
    queryKey: ["user-info", id],
    queryFn: () =>
      unwrap(
        api.GET("/user/info/{id}", { params: { path: { id: id ?? "" } } }),
      ) as Promise<PublicUser>,
    enabled: !!id,
    staleTime: Number.POSITIVE_INFINITY,
  });
}
