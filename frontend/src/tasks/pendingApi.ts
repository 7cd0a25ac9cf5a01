// Requests for workflow routes that are not in openapi.json yet (spec §2.6): extracting an
// archive and starting a remote download. Their shapes are written here by hand from the spec;
// once the server has the routes, replace this file with the generated types and `api.POST`.
import { API_BASE, unwrap } from "../api/client";
import { accessToken } from "../api/session";
import type { Task } from "./types";

/** `POST /workflow/extract` */
export type ExtractRequest = {
  /** The archive, as a one-element list of file URIs. */
  src: string[];
  /** The folder to extract into. */
  dst: string;
  /** Entry-name encoding of a zip; absent for auto-detection. */
  encoding?: string;
};

/** `POST /workflow/download` */
export type RemoteDownloadRequest = {
  /** URLs (http, https, magnet), one task each. */
  src?: string[];
  /** A .torrent file in the drive. */
  src_file?: string;
  /** The folder to download into. */
  dst: string;
};

async function post<T>(path: string, body: unknown): Promise<T> {
  const token = await accessToken();
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  return unwrap<T>(
    fetch(`${API_BASE}${path}`, { method: "POST", headers, body: JSON.stringify(body) }).then(
      async (response) => ({ data: await response.json().catch(() => undefined), response }),
    ),
  );
}

export function extractArchive(request: ExtractRequest): Promise<Task> {
  return post("/workflow/extract", request);
}

/** One task per URL, or one for the torrent file. */
export function startRemoteDownload(request: RemoteDownloadRequest): Promise<Task[]> {
  return post("/workflow/download", request);
}
