// What the snapshot screens ask of the server (`/snapshot`, Stratus extension): the queries
// with their keys, and the changes, each followed by re-reading what it changed.
import { useQuery } from "@tanstack/react-query";
import { parseUri } from "../lib/uri";
import { invalidateCapacity } from "./account/capacity";
import { api, unwrap } from "./client";
import { queryClient } from "./queryClient";
import { invalidateTasks } from "./tasks/tasks";

/** Letters, digits, spaces, `-` and `_`, 1 to 64 of them once trimmed (the server's rule). */
const NAME_PATTERN = /^[A-Za-z0-9_ -]{1,64}$/;

/** Whether `name`, trimmed, is a snapshot name the server takes. */
export function validName(name: string): boolean {
  return NAME_PATTERN.test(name.trim());
}

/** Every list of snapshots; those of one folder, or all of the user's (`null`). */
export const snapshotsRoot = ["snapshots"] as const;
export const snapshotsKey = (uri: string | null) => [...snapshotsRoot, uri ?? "*"] as const;
const schedulesKey = ["snapshot-schedules"] as const;

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
  void queryClient.invalidateQueries({ queryKey: snapshotsRoot });
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
  void queryClient.invalidateQueries({ queryKey: schedulesKey });
  return schedule;
}

export async function deleteSchedule(id: string) {
  await unwrap(api.DELETE("/snapshot/schedule/{id}", { params: { path: { id } } }));
  void queryClient.invalidateQueries({ queryKey: schedulesKey });
}

/** A folder's snapshots, re-read every 2 s while one is being taken (a task completes it). */
export function useFolderSnapshots(uri: string) {
  return useQuery({
    queryKey: snapshotsKey(uri),
    queryFn: () => listSnapshots(uri),
    refetchInterval: (q) =>
      q.state.data?.snapshots.some((s) => s.status === "in_progress") ? 2000 : false,
  });
}

/** Every snapshot of the user (the storage summary). */
export function useAllSnapshots() {
  return useQuery({ queryKey: [...snapshotsRoot, "all"], queryFn: allSnapshots });
}

export function useSnapshot(id: string) {
  return useQuery({ queryKey: ["snapshot", id], queryFn: () => getSnapshot(id) });
}

export function useSchedules() {
  return useQuery({ queryKey: schedulesKey, queryFn: listSchedules });
}
