// Backups through the admin API: targets (where backups go), tasks (what is backed up, when)
// and records (one per run). A target's secret key is write-only: the server never answers it,
// and an edit that leaves it out keeps the stored one.
import { useQuery } from "@tanstack/react-query";
import { api, type Schemas, unwrap } from "../../../../api/client";
import { FOLDER } from "../../../../api/files/listing";
import type { AdminListRequest, AdminPage } from "../../AdminList";

export type BackupTarget = Schemas["AdminBackupTarget"];
export type BackupTargetInput = Schemas["AdminBackupTargetInput"];
export type BackupTask = Schemas["AdminBackupTask"];
export type BackupTaskInput = Schemas["AdminBackupTaskInput"];
export type BackupRecord = Schemas["AdminBackupRecord"];
export type BackupRecordDetail = Schemas["AdminBackupRecordDetail"];

/** The lists' cached pages: `["admin", TARGETS_LIST, …]` and so on. */
export const TARGETS_LIST = "backup-targets";
export const TASKS_LIST = "backup-tasks";
export const RECORDS_LIST = "backup-records";

const total = (p: { pagination: Schemas["Pagination"] }, rows: unknown[]) =>
  p.pagination.total_items ?? rows.length;

const everything = (order_by: string): AdminListRequest => ({
  page: 1,
  page_size: 1000,
  order_by,
  order_direction: "asc",
});

export async function listTargets(body: AdminListRequest): Promise<AdminPage<BackupTarget>> {
  const page = await unwrap(api.POST("/admin/backup/target", { body }));
  return { rows: page.targets, total: total(page, page.targets) };
}

/** Every target (a site has a handful), for choices and names. */
export function useAllTargets() {
  return useQuery({
    queryKey: ["admin", TARGETS_LIST, "all"],
    queryFn: async () => (await listTargets(everything("name"))).rows,
  });
}

export const createTarget = (body: BackupTargetInput) =>
  unwrap(api.PUT("/admin/backup/target", { body }));
export const updateTarget = (id: number, body: BackupTargetInput) =>
  unwrap(api.PUT("/admin/backup/target/{id}", { params: { path: { id } }, body }));
export const deleteTarget = (id: number) =>
  unwrap(api.DELETE("/admin/backup/target/{id}", { params: { path: { id } } }));
/** Writes, reads back and deletes a probe without saving; answers what the server said. */
export const testPendingTarget = (body: BackupTargetInput) =>
  unwrap(api.POST("/admin/backup/target/test", { body }));
export const testSavedTarget = (id: number) =>
  unwrap(api.POST("/admin/backup/target/{id}/test", { params: { path: { id } } }));
export const starTarget = (id: number, starred: boolean) =>
  unwrap(
    api.PUT("/admin/backup/target/{id}/star", { params: { path: { id } }, body: { starred } }),
  );

/** Bytes Stratus backups hold on a target, and its free space where the driver can tell. */
export function useTargetUsage(id: number) {
  return useQuery({
    queryKey: ["admin", TARGETS_LIST, "usage", id],
    queryFn: () => unwrap(api.GET("/admin/backup/target/{id}/usage", { params: { path: { id } } })),
    staleTime: 30_000,
  });
}

export async function listTasks(body: AdminListRequest): Promise<AdminPage<BackupTask>> {
  const page = await unwrap(api.POST("/admin/backup/task", { body }));
  return { rows: page.tasks, total: total(page, page.tasks) };
}

/** Every task, for the records' filter and names. */
export function useAllTasks() {
  return useQuery({
    queryKey: ["admin", TASKS_LIST, "all"],
    queryFn: async () => (await listTasks(everything("name"))).rows,
  });
}

export const createTask = (body: BackupTaskInput) =>
  unwrap(api.PUT("/admin/backup/task", { body }));
export const updateTask = (id: number, body: BackupTaskInput) =>
  unwrap(api.PUT("/admin/backup/task/{id}", { params: { path: { id } }, body }));
export const deleteTask = (id: number) =>
  unwrap(api.DELETE("/admin/backup/task/{id}", { params: { path: { id } } }));
export const toggleTask = (id: number, enabled: boolean) =>
  unwrap(
    api.PUT("/admin/backup/task/{id}/toggle", { params: { path: { id } }, body: { enabled } }),
  );
/** Queues a manual run; answers its record. */
export const runTask = (id: number) =>
  unwrap(api.POST("/admin/backup/task/{id}/run", { params: { path: { id } } }));

export async function listRecords(body: AdminListRequest): Promise<AdminPage<BackupRecord>> {
  const page = await unwrap(api.POST("/admin/backup/record", { body }));
  return { rows: page.records, total: total(page, page.records) };
}

export const getRecord = (id: number) =>
  unwrap(api.GET("/admin/backup/record/{id}", { params: { path: { id } } }));
export const deleteRecord = (id: number) =>
  unwrap(api.DELETE("/admin/backup/record/{id}", { params: { path: { id } } }));
export const deleteRecords = (ids: number[]) =>
  unwrap(api.POST("/admin/backup/record/batch/delete", { body: { ids } }));

/** A record whose run has not ended yet. */
export const isLive = (r: { status: string }) => r.status === "queued" || r.status === "running";

type JsonObject = Record<string, unknown>;
const isObject = (v: unknown): v is JsonObject =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** One setting of a target or a task's source as text (empty when absent). */
export function settingText(settings: unknown, key: string): string {
  const v = isObject(settings) ? settings[key] : undefined;
  return typeof v === "string" || typeof v === "number" ? String(v) : "";
}

export function settingFlag(settings: unknown, key: string): boolean {
  return isObject(settings) && settings[key] === true;
}

/** The user ids of a `users` task's source. */
export function sourceUserIds(source: unknown): number[] {
  const ids = isObject(source) ? source.user_ids : undefined;
  return Array.isArray(ids) ? ids.filter((x): x is number => typeof x === "number") : [];
}

/** Up to 20 users whose e-mail holds `text` (all of them, in id order, for no text or a number). */
export async function searchUsers(text: string) {
  const page = await unwrap(
    api.POST("/admin/user", {
      body: {
        page: 1,
        page_size: 20,
        order_by: "id",
        order_direction: "asc",
        searches: text && !/^\d+$/.test(text) ? { user_email: text } : {},
      },
    }),
  );
  return page.users;
}

/** The folders of user `userId`'s drive directly inside `uri`, for the task form's picker. */
export function useUserFolders(userId: number, uri: string) {
  return useQuery({
    queryKey: ["admin", "user-folders", userId, uri],
    queryFn: async () => {
      const page = await unwrap(
        api.GET("/admin/user/{id}/folders", {
          params: { path: { id: userId }, query: { uri, page_size: 200 } },
        }),
      );
      return page.folders.map((f) => ({ name: f.name, path: f.uri, type: FOLDER }));
    },
    enabled: userId > 0,
  });
}
