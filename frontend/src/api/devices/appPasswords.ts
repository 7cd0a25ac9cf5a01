// App passwords (`/devices/app_passwords`): the sync clients signed in through a login flow,
// and the login flow's approval page (`/devices/login_flow/:token`).
import { useQuery } from "@tanstack/react-query";
import { api, type Schemas, unwrap } from "../client";
import { queryClient } from "../queryClient";

export type AppPassword = Schemas["AppPasswordDto"];
export type LoginFlowInfo = Schemas["LoginFlowInfo"];

const APP_PASSWORDS_KEY = ["app-passwords"] as const;

export function useAppPasswords() {
  return useQuery({
    queryKey: APP_PASSWORDS_KEY,
    queryFn: () => unwrap(api.GET("/devices/app_passwords")),
  });
}

export async function revokeAppPassword(id: string) {
  await unwrap(api.DELETE("/devices/app_passwords/{id}", { params: { path: { id } } }));
  await queryClient.invalidateQueries({ queryKey: APP_PASSWORDS_KEY });
}

/** The device waiting on login page `token`; not retried (a spent token stays spent). */
export function useLoginFlow(token: string) {
  return useQuery({
    queryKey: ["login-flow", token],
    queryFn: () => unwrap(api.GET("/devices/login_flow/{token}", { params: { path: { token } } })),
    retry: false,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** Approves the device: answers its new app password and, for a v1 flow, where to go next. */
export async function approveLoginFlow(token: string) {
  const approved = await unwrap(
    api.POST("/devices/login_flow/{token}", { params: { path: { token } } }),
  );
  await queryClient.invalidateQueries({ queryKey: APP_PASSWORDS_KEY });
  return approved;
}

export async function cancelLoginFlow(token: string) {
  await unwrap(api.DELETE("/devices/login_flow/{token}", { params: { path: { token } } }));
}
