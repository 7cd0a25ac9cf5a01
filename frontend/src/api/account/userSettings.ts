// The user's settings (`/user/setting`, with passkeys and connected apps) and profile: one
// key, read by the settings page; each change re-reads what it touched.
import { useQuery } from "@tanstack/react-query";
import { API_BASE, ApiError, api, type Schemas, unwrap } from "../client";
import { queryClient } from "../queryClient";
import { accessToken, updateUser } from "../session";

export const SETTINGS_KEY = ["user-setting"] as const;
export type SettingsPatch = Schemas["UpdateUserSettingRequest"];

export function useUserSettings() {
  return useQuery({ queryKey: SETTINGS_KEY, queryFn: () => unwrap(api.GET("/user/setting")) });
}

/** Fetches the user again so the header, theme and language follow a change. */
export async function reloadUser() {
  updateUser(await unwrap(api.GET("/user/me")));
}

/** After a change to what the settings list (passkeys, connected apps). */
export function invalidateUserSettings() {
  return queryClient.invalidateQueries({ queryKey: SETTINGS_KEY });
}

/** Saves a change; turning 2FA on answers the recovery codes (shown this once). */
export async function patchSettings(patch: SettingsPatch) {
  const data = await unwrap(api.PATCH("/user/setting", { body: patch }));
  await invalidateUserSettings();
  return data?.recovery_codes;
}

/** Replaces the 2FA recovery codes, confirmed by a code of the authenticator; the new ones. */
export async function regenerateRecoveryCodes(code: string): Promise<string[]> {
  const data = await unwrap(
    api.POST("/user/setting/2fa/recovery_codes", { body: { two_fa_code: code } }),
  );
  await invalidateUserSettings();
  return data.recovery_codes;
}

/** The options a new passkey is made with, then the credential the browser made. */
export function passkeyOptions() {
  return unwrap(api.PUT("/user/authn"));
}

export async function addPasskey(response: string) {
  await unwrap(
    api.POST("/user/authn", {
      body: { response, name: "{browser} on {os}", ua: navigator.userAgent },
    }),
  );
  await invalidateUserSettings();
}

export async function removePasskey(id: string) {
  await unwrap(api.DELETE("/user/authn", { params: { query: { id } } }));
  await invalidateUserSettings();
}

/** Sends the picture as the raw body (the API's shape); `null` switches back to Gravatar. */
export async function uploadAvatar(file: File | null) {
  const token = await accessToken();
  let answer: Response;
  try {
    answer = await fetch(`${API_BASE}/user/setting/avatar`, {
      method: "PUT",
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(file ? { "Content-Type": file.type || "application/octet-stream" } : {}),
      },
      body: file ?? "",
    });
  } catch (e) {
    throw new ApiError(0, e instanceof Error ? e.message : String(e));
  }
  await unwrap(
    Promise.resolve({ data: await answer.json().catch(() => undefined), response: answer }),
  );
  await reloadUser();
}

/** A new 2FA secret to enrol (kept by the server until a code from it turns 2FA on). */
export async function twoFactorSecret(): Promise<string> {
  return (await unwrap(api.GET("/user/setting/2fa"))) as string;
}
