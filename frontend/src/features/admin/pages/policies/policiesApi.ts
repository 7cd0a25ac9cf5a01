// Storage policies through the admin API. The list route answers no usage, so each policy is
// read once more by id for the number and size of its blobs.
import { useQuery } from "@tanstack/react-query";
import { api, type Schemas, unwrap } from "../../../../api/client";

export type Policy = Schemas["AdminStoragePolicy"];
export type PolicyInput = Schemas["AdminStoragePolicyInput"];

export const POLICIES_QUERY = ["admin", "policies"] as const;

async function listWithUsage(): Promise<Policy[]> {
  const page = await unwrap(
    api.POST("/admin/policy", { body: { page: 1, page_size: 200, order_by: "id" } }),
  );
  return Promise.all(
    page.policies.map((p) =>
      unwrap(api.GET("/admin/policy/{id}", { params: { path: { id: p.id } } })).catch(() => p),
    ),
  );
}

export function usePolicies() {
  return useQuery({ queryKey: POLICIES_QUERY, queryFn: listWithUsage });
}

export function createPolicy(policy: PolicyInput) {
  return unwrap(api.PUT("/admin/policy", { body: { policy } }));
}

export function updatePolicy(id: number, policy: PolicyInput) {
  return unwrap(api.PUT("/admin/policy/{id}", { params: { path: { id } }, body: { policy } }));
}

export function deletePolicy(id: number) {
  return unwrap(api.DELETE("/admin/policy/{id}", { params: { path: { id } } }));
}

/** Puts a CORS rule for the site's origins on an S3 bucket; answers those origins. */
export function putCors(policy: PolicyInput) {
  return unwrap(api.POST("/admin/policy/cors", { body: { policy } }));
}
