// Account states and the calls that save, create, calibrate and delete accounts.
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../../../api/client";
import type { AdminUser } from "../../api";

export const USER_STATUSES = ["active", "inactive", "manual_banned", "sys_banned"] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export function isBanned(status: string): boolean {
  return status === "manual_banned" || status === "sys_banned";
}

export type UserChanges = {
  email?: string;
  nick?: string;
  status?: string;
  group?: number;
  password?: string;
  /** Turns two-factor authentication off. */
  disableTwoFa?: boolean;
};

/** Saves changes to an existing account; what is left out stays as it is. */
export function saveUser(user: AdminUser, changes: UserChanges): Promise<AdminUser> {
  return unwrap(
    api.PUT("/admin/user/{id}", {
      params: { path: { id: user.id } },
      body: {
        user: {
          id: user.id,
          email: changes.email ?? user.email,
          nick: changes.nick ?? user.nick,
          status: changes.status ?? user.status,
          group_users: changes.group ?? user.group_users,
          ...(changes.disableTwoFa ? { two_fa_enabled: false } : {}),
        },
        ...(changes.password ? { password: changes.password } : {}),
      },
    }),
  );
}

/** Creates an account; `group` 0 means the site's default group. */
export function createUser(fields: {
  email: string;
  nick: string;
  password: string;
  status: string;
  group: number;
}): Promise<AdminUser> {
  return unwrap(
    api.PUT("/admin/user", {
      body: {
        user: {
          email: fields.email,
          nick: fields.nick,
          status: fields.status,
          ...(fields.group ? { group_users: fields.group } : {}),
        },
        password: fields.password,
      },
    }),
  );
}

export async function deleteUsers(ids: number[]): Promise<void> {
  await unwrap(api.POST("/admin/user/batch/delete", { body: { ids } }));
}

/** Counts the account's storage again from its files. */
export function calibrateUser(id: number): Promise<AdminUser> {
  return unwrap(api.POST("/admin/user/{id}/calibrate", { params: { path: { id } } }));
}

const SNAPSHOTS_SHOWN = 50;

/** The account's newest snapshots (the first 50) and their total count. */
export function useUserSnapshots(userId: number) {
  return useQuery({
    queryKey: ["admin", "snapshots", userId],
    queryFn: () =>
      unwrap(
        api.POST("/admin/snapshot", {
          body: {
            page: 1,
            page_size: SNAPSHOTS_SHOWN,
            order_by: "created_at",
            order_direction: "desc",
            conditions: { user_id: String(userId) },
          },
        }),
      ),
  });
}

/** One account with its counts (snapshots and the bytes they keep). */
export function useUserDetail(userId: number) {
  return useQuery({
    queryKey: ["admin", "user", userId],
    queryFn: () => unwrap(api.GET("/admin/user/{id}", { params: { path: { id: userId } } })),
  });
}

export async function deleteSnapshot(id: number): Promise<void> {
  await unwrap(api.DELETE("/admin/snapshot/{id}", { params: { path: { id } } }));
}

/** The grants the account gave and received (sharing with people), newest first. */
export function useUserGrants(userId: number) {
  return useQuery({
    queryKey: ["admin", "grants", userId],
    queryFn: () => unwrap(api.GET("/admin/user/{id}/grants", { params: { path: { id: userId } } })),
  });
}

/** Takes a grant back: its recipients lose access at once. */
export async function deleteGrant(id: number): Promise<void> {
  await unwrap(api.DELETE("/admin/grant/{id}", { params: { path: { id } } }));
}
