// The admin calls behind the files, blobs and shares tables: each list as an AdminList page,
// batch deletes, and the admin download URLs.
import { api, type Schemas, unwrap } from "../../../../api/client";
import type { AdminListRequest, AdminPage } from "../../AdminList";

export type AdminFile = Schemas["AdminFile"];
export type AdminEntity = Schemas["AdminEntity"];
export type AdminShare = Schemas["AdminShare"];

export async function listFiles(body: AdminListRequest): Promise<AdminPage<AdminFile>> {
  const page = await unwrap(api.POST("/admin/file", { body }));
  return { rows: page.files, total: page.pagination.total_items ?? 0 };
}

export async function deleteFiles(ids: number[]): Promise<void> {
  await unwrap(api.POST("/admin/file/batch/delete", { body: { ids } }));
}

export const fileUrl = (id: number) =>
  unwrap(api.GET("/admin/file/url/{id}", { params: { path: { id } } }));

export async function listEntities(body: AdminListRequest): Promise<AdminPage<AdminEntity>> {
  const page = await unwrap(api.POST("/admin/entity", { body }));
  return { rows: page.entities, total: page.pagination.total_items ?? 0 };
}

/** Deletes unreferenced blobs; `force` also unlinks the ones files still use. */
export async function deleteEntities(ids: number[], force: boolean): Promise<void> {
  await unwrap(api.POST("/admin/entity/batch/delete", { body: { ids, force } }));
}

export const entityUrl = (id: number) =>
  unwrap(api.GET("/admin/entity/url/{id}", { params: { path: { id } } }));

export async function listShares(body: AdminListRequest): Promise<AdminPage<AdminShare>> {
  const page = await unwrap(api.POST("/admin/share", { body }));
  return { rows: page.shares, total: page.pagination.total_items ?? 0 };
}

export async function deleteShares(ids: number[]): Promise<void> {
  await unwrap(api.POST("/admin/share/batch/delete", { body: { ids } }));
}
