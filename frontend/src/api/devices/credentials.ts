// Every credential of the user in one list (`/devices/credentials`): web sessions, app
// passwords, WebDAV accounts, S3 keys and OAuth apps, each revocable by kind and id.
import { useQuery } from "@tanstack/react-query";
import { api, type Schemas, unwrap } from "../client";
import { queryClient } from "../queryClient";

export type UserCredential = Schemas["UserCredential"];

const CREDENTIALS_KEY = ["credentials"] as const;

export function useCredentials() {
  return useQuery({
    queryKey: CREDENTIALS_KEY,
    queryFn: () => unwrap(api.GET("/devices/credentials")),
  });
}

/** Revokes one credential; the lists of every kind are read again. */
export async function revokeCredential(kind: string, id: string) {
  await unwrap(api.DELETE("/devices/credentials/{kind}/{id}", { params: { path: { kind, id } } }));
  await queryClient.invalidateQueries();
}
