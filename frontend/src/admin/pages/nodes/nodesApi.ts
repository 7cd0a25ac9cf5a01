// Nodes through the admin API: the master (this server) and the slave nodes `remote` storage
// policies keep their files on. A node's secret is write-only; saving runs the node test.
import { useQuery } from "@tanstack/react-query";
import { api, type Schemas, unwrap } from "../../../api/client";
import type { AdminListRequest, AdminPage } from "../../AdminList";

export type AdminNode = Schemas["AdminNode"];
export type NodeInput = Schemas["AdminNodeInput"];

/** The list's cached pages: `["admin", NODES_LIST, …]`. */
export const NODES_LIST = "nodes";

export async function listNodes(body: AdminListRequest): Promise<AdminPage<AdminNode>> {
  const page = await unwrap(api.POST("/admin/node", { body }));
  return { rows: page.nodes, total: page.pagination.total_items ?? page.nodes.length };
}

/** Every node (a site has a handful), for the remote policy's choice of node. */
export function useAllNodes() {
  return useQuery({
    queryKey: ["admin", NODES_LIST, "all"],
    queryFn: async () =>
      (await listNodes({ page: 1, page_size: 1000, order_by: "id", order_direction: "asc" })).rows,
  });
}

export function createNode(node: NodeInput) {
  return unwrap(api.PUT("/admin/node", { body: { node } }));
}

export function updateNode(id: number, node: NodeInput) {
  return unwrap(api.PUT("/admin/node/{id}", { params: { path: { id } }, body: { node } }));
}

export function deleteNode(id: number) {
  return unwrap(api.DELETE("/admin/node/{id}", { params: { path: { id } } }));
}

/** The node test without saving: the server asks the node to ping the site back. */
export function testNode(node: NodeInput) {
  return unwrap(api.POST("/admin/node/test", { body: { node } }));
}

const SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A random node secret of `length` letters and digits (the server wants at least 64). */
export function generateSecret(length = 72): string {
  const out: string[] = [];
  const bytes = new Uint8Array(1);
  // Rejection sampling keeps every character equally likely (62 does not divide 256).
  while (out.length < length) {
    crypto.getRandomValues(bytes);
    const b = bytes[0] ?? 255;
    if (b < 248) out.push(SECRET_ALPHABET[b % 62] ?? "A");
  }
  return out.join("");
}
