// Nodes through the admin API: the master (this server) and the slave nodes `remote` storage
// policies keep their files on. A node's secret is write-only; saving runs the node test.
import { useQuery } from "@tanstack/react-query";
import { api, type Schemas, unwrap } from "../../../../api/client";
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

/**
 * The downloader test without saving: the master asks aria2 (with the aria2 settings in
 * `node.settings`) for its version and answers it; only the master has a downloader.
 */
export function testDownloader(node: NodeInput) {
  return unwrap(api.POST("/admin/node/test/downloader", { body: { node } }));
}

/** The master's aria2 settings as the dialog edits them (`settings.aria2`, like Cloudreve). */
export type Aria2Form = { server: string; token: string; tempPath: string; options: string };

type JsonObject = Record<string, unknown>;

const isObject = (v: unknown): v is JsonObject =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** The form for a node's `settings`: empty fields where it has no aria2; options as JSON text. */
export function aria2Form(settings: unknown): Aria2Form {
  const a = isObject(settings) && isObject(settings.aria2) ? settings.aria2 : {};
  const text = (k: string) => (typeof a[k] === "string" ? (a[k] as string) : "");
  const options = isObject(a.options) && Object.keys(a.options).length > 0 ? a.options : null;
  return {
    server: text("server"),
    token: text("token"),
    tempPath: text("temp_path"),
    options: options ? JSON.stringify(options, null, 2) : "",
  };
}

/** The extra options' text read: empty is no options; anything but a JSON object is refused. */
export function parseAria2Options(
  text: string,
): { options: JsonObject } | { error: "json"; reason: string } | { error: "object" } {
  if (!text.trim()) return { options: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { error: "json", reason: e instanceof Error ? e.message : String(e) };
  }
  return isObject(value) ? { options: value } : { error: "object" };
}

/**
 * `settings` with the form's aria2 settings; every other key, in `settings` and in its `aria2`,
 * stays. A node without aria2 settings and an empty form keeps its settings as they are.
 */
export function withAria2(settings: unknown, form: Aria2Form, options: JsonObject): JsonObject {
  const base: JsonObject = isObject(settings) ? { ...settings } : {};
  const server = form.server.trim();
  const tempPath = form.tempPath.trim();
  const empty = !server && !form.token && !tempPath && Object.keys(options).length === 0;
  if (empty && !("aria2" in base)) return base;
  const before = isObject(base.aria2) ? base.aria2 : {};
  return {
    ...base,
    provider: typeof base.provider === "string" && base.provider ? base.provider : "aria2",
    aria2: { ...before, server, token: form.token, temp_path: tempPath, options },
  };
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
