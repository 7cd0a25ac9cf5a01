// WebDAV accounts (`/devices/dav`): the list, one key, and the changes that re-read it.
import { useQuery } from "@tanstack/react-query";
import { api, type Schemas, unwrap } from "../client";
import { queryClient } from "../queryClient";

const DAV_KEY = ["dav-accounts"] as const;

export type DavAccountBody = Schemas["DavAccountRequest"];

export function useDavAccounts() {
  return useQuery({
    queryKey: DAV_KEY,
    queryFn: () => unwrap(api.GET("/devices/dav", { params: { query: { page_size: 100 } } })),
  });
}

export async function deleteDavAccount(id: string) {
  await unwrap(api.DELETE("/devices/dav/{id}", { params: { path: { id } } }));
  await queryClient.invalidateQueries({ queryKey: DAV_KEY });
}

/** Saves a new account (`id` undefined) or changes one; answers the account as saved. */
export async function saveDavAccount(id: string | undefined, body: DavAccountBody) {
  const saved = id
    ? await unwrap(api.PATCH("/devices/dav/{id}", { params: { path: { id } }, body }))
    : await unwrap(api.PUT("/devices/dav", { body }));
  await queryClient.invalidateQueries({ queryKey: DAV_KEY });
  return saved;
}
