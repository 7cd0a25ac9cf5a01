// The signed-in user as `/user/me` answers (pins included): one key, read and invalidated here,
// and the pins' changes (`/file/pin`).
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../client";
import { queryClient } from "../queryClient";
import { useSession } from "../session";

export const meKey = ["me"] as const;

/** The user's pinned searches and folders; nothing while signed out. */
export function usePins() {
  const session = useSession();
  return useQuery({
    queryKey: meKey,
    queryFn: () => unwrap(api.GET("/user/me")),
    enabled: !!session,
    select: (me) => me.pined ?? [],
  });
}

/** After a pin was added or removed. */
export function invalidateMe() {
  return queryClient.invalidateQueries({ queryKey: meKey });
}

/** Pins a folder (or a search: its URI) to the side bar under `name`. */
export async function addPin(uri: string, name: string) {
  await unwrap(api.PUT("/file/pin", { body: { uri, name } }));
  await invalidateMe();
}

export async function removePin(uri: string) {
  await unwrap(api.DELETE("/file/pin", { body: { uri } }));
  await invalidateMe();
}
