// S3 keys (`/devices/s3`): the list, making one (its secret is in that answer only) and
// deleting one.
import { useQuery } from "@tanstack/react-query";
import { api, type Schemas, unwrap } from "../client";
import { queryClient } from "../queryClient";

export type S3Key = Schemas["S3KeyDto"];
export type S3KeyBody = Schemas["S3KeyRequest"];

const S3_KEYS_KEY = ["s3-keys"] as const;

export function useS3Keys() {
  return useQuery({
    queryKey: S3_KEYS_KEY,
    queryFn: () => unwrap(api.GET("/devices/s3")),
  });
}

/** Makes a key; the answer holds its secret, shown once. */
export async function createS3Key(body: S3KeyBody) {
  const made = await unwrap(api.PUT("/devices/s3", { body }));
  await queryClient.invalidateQueries({ queryKey: S3_KEYS_KEY });
  return made;
}

export async function deleteS3Key(id: string) {
  await unwrap(api.DELETE("/devices/s3/{id}", { params: { path: { id } } }));
  await queryClient.invalidateQueries({ queryKey: S3_KEYS_KEY });
}
