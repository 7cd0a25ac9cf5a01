// The signed-in sessions of the user (`/user/sessions`): one per sign-in, each with its device
// and last use; ending one signs that device out.
import { useQuery } from "@tanstack/react-query";
import { api, type Schemas, unwrap } from "../client";
import { queryClient } from "../queryClient";

export type UserSession = Schemas["UserSession"];

const SESSIONS_KEY = ["user-sessions"] as const;

export function useUserSessions() {
  return useQuery({ queryKey: SESSIONS_KEY, queryFn: () => unwrap(api.GET("/user/sessions")) });
}

export async function revokeSession(id: string) {
  await unwrap(api.DELETE("/user/sessions/{id}", { params: { path: { id } } }));
  await queryClient.invalidateQueries({ queryKey: SESSIONS_KEY });
}
