// The OAuth routes the web pages call (spec §2.5, §2.6, §2.10), through the generated client
// and the envelope reader `unwrap`.
import { useQuery } from "@tanstack/react-query";
import { api, type Schemas, unwrap } from "../client";

/**
 * `GET /session/oauth/app/:app_id`. `redirect_uris` is not part of the answer today; when a
 * server lists them, a refusal is sent back only to one of them (see request.ts).
 */
export type OAuthApp = Schemas["OAuthApp"] & { redirect_uris?: string[] };
export type ConsentRequest = Schemas["OAuthConsentRequest"];
/** One entry of `oauth_grants` in `GET /user/setting`. */
export type OAuthGrant = Schemas["OAuthGrant"];

export const getApp = (clientId: string): Promise<OAuthApp> =>
  unwrap(api.GET("/session/oauth/app/{app_id}", { params: { path: { app_id: clientId } } }));

/** The app asking, read again for another signed-in user; an unknown one answers 404 at once. */
export function useOAuthApp(clientId: string, userId: string | undefined) {
  return useQuery({
    queryKey: ["oauth-app", clientId, userId],
    queryFn: () => getApp(clientId),
    retry: false,
  });
}

export const consent = (request: ConsentRequest) =>
  unwrap(api.POST("/session/oauth/consent", { body: request }));

export const revokeGrant = (clientId: string) =>
  unwrap(api.DELETE("/session/oauth/grant/{app_id}", { params: { path: { app_id: clientId } } }));
