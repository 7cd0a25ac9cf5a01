// Direct links (`/file/source`): a file's lasting public URL, made or revoked by its owner. The
// list of a file's links comes with its info (`GET /file/info`), which the caller re-reads.
import { api, unwrap } from "../client";

/** Makes a direct link to the file at `uri` (or hands back its existing one). */
export async function createDirectLink(uri: string) {
  return unwrap(api.PUT("/file/source", { body: { uris: [uri] } }));
}

/** Revokes link `id`: its URL stops working at once. */
export async function revokeDirectLink(id: string) {
  await unwrap(api.DELETE("/file/source/{id}", { params: { path: { id } } }));
}
