// What the snapshot screens ask of the server (`/snapshot`, Stratus extension), each followed by
// re-reading what it changed.

import { parseUri } from "../lib/uri";
import { invalidateCapacity } from "./capacity";
import { api, unwrap } from "./client";
import { queryClient } from "./queryClient";
import { invalidateTasks } from "./tasks";

/** Letters, digits, `-` and `_`, 1 to 64 of them (the server's rule). */
export const NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Snapshots of one folder, or all of the user's (`null`). */
export const snapshotsKey = (uri: string | null) => ["snapshots", uri ?? "*"] as const;

/** The root of a snapshot's read-only file system. */
export const snapshotRoot = (id: string) => `cloudreve://${id}@snapshot`;

/** The last name of a folder's URI, or null for the drive's root. */
export function folderName(uri: string): string | null {
  return parseUri(uri)?.segments.at(-1) ?? null;
}

/** A name like `snap-20261126-0415`, from the local time now. */
export function defaultName(now = new Date()): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return `snap-${now.getFullYear()}${two(now.getMonth() + 1)}${two(now.getDate())}-${two(
    now.getHours(),
  )}${two(now.getMinutes())}`;
}

/** One page of snapshots, newest first (a folder keeps a handful; 100 covers them). */
export async function listSnapshots(uri: string | null, token?: string) {
  return unwrap(
    api.GET("/snapshot", {
      params: {
        query: {
          ...(uri ? { uri } : {}),
          page_size: 100,
          ...(token ? { next_page_token: token } : {}),
        },
      },
    }),
  );
}

/** Every snapshot of the user, page after page (for the storage summary). */
export async function allSnapshots() {
  const out = [];
  let token: string | undefined;
  do {
    const page = await listSnapshots(null, token);
    out.push(...page.snapshots);
    token = page.pagination.next_token ?? undefined;
  } while (token);
  return out;
}

export async function getSnapshot(id: string) {
  return unwrap(api.GET("/snapshot/{id}", { params: { path: { id } } }));
}

function refresh() {
  void queryClient.invalidateQueries({ queryKey: ["snapshots"] });
  void invalidateCapacity();
}

export async function takeSnapshot(uri: string, name: string, description: string) {
  const snapshot = await unwrap(
    api.PUT("/snapshot", { body: { uri, name, ...(description ? { description } : {}) } }),
  );
  refresh();
  return snapshot;
}

export async function deleteSnapshot(id: string) {
  await unwrap(api.DELETE("/snapshot/{id}", { params: { path: { id } } }));
  refresh();
}

/** Starts a restore task: `replace` the folder with the snapshot, or `copy` it into `dst`. */
export async function restoreSnapshot(id: string, mode: "replace" | "copy", dst?: string) {
  const task = await unwrap(
    api.POST("/snapshot/{id}/restore", {
      params: { path: { id } },
      body: { mode, ...(dst ? { dst } : {}) },
    }),
  );
  void invalidateTasks();
  return task;
}

/** The user's snapshot schedules (all folders). */
export async function listSchedules() {
  return unwrap(api.GET("/snapshot/schedule"));
}

export async function addSchedule(uri: string, every: string, keep: number) {
  const schedule = await unwrap(api.PUT("/snapshot/schedule", { body: { uri, every, keep } }));
  void queryClient.invalidateQueries({ queryKey: ["snapshot-schedules"] });
  return schedule;
}

export async function deleteSchedule(id: string) {
  await unwrap(api.DELETE("/snapshot/schedule/{id}", { params: { path: { id } } }));
  void queryClient.invalidateQueries({ queryKey: ["snapshot-schedules"] });
}
