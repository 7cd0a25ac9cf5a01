// The user's storage used and available (`/user/capacity`): one key for the header's meter and
// Settings → storage, invalidated by every change that adds or frees bytes.
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../client";
import { queryClient } from "../queryClient";

export const capacityKey = ["capacity"] as const;

export function useCapacity({ enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: capacityKey,
    queryFn: fetchCapacity,
    enabled,
  });
}

export function invalidateCapacity() {
  return queryClient.invalidateQueries({ queryKey: capacityKey });
}

/** Read afresh, not from the cache: the quota check before an upload. */
export function fetchCapacity() {
  return unwrap(api.GET("/user/capacity"));
}
