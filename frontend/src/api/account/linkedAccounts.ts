// Linked accounts (`/user/linked`): the OpenID Connect providers, which of them the account is
// linked to, starting a link (the answer is where to send the browser) and unlinking.
import { useQuery } from "@tanstack/react-query";
import { api, type Schemas, unwrap } from "../client";
import { queryClient } from "../queryClient";

export type LinkedAccounts = Schemas["LinkedAccounts"];
export type LinkedProvider = Schemas["LinkedProvider"];

const LINKED_KEY = ["linked-accounts"] as const;

export function useLinkedAccounts() {
  return useQuery({
    queryKey: LINKED_KEY,
    queryFn: () => unwrap(api.GET("/user/linked")),
  });
}

/** The path that starts linking `provider`; the browser is sent there. */
export async function startLink(provider: string, redirect: string) {
  const started = await unwrap(
    api.POST("/user/linked/{provider}", {
      params: { path: { provider } },
      body: { redirect },
    }),
  );
  return started.url;
}

export async function unlink(provider: string) {
  await unwrap(api.DELETE("/user/linked/{provider}", { params: { path: { provider } } }));
  await queryClient.invalidateQueries({ queryKey: LINKED_KEY });
}
