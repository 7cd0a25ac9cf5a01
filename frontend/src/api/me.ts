// The signed-in user as `/user/me` answers (pins included): one key, read and invalidated here.
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "./client";
import { queryClient } from "./queryClient";
import { useSession } from "./session";

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
