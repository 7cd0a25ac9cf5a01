// Workflow requests. `POST /workflow/download` is in openapi.json and goes through the generated
// client; `POST /workflow/extract` is not there yet (spec §2.6), so its shape is written here by
// hand from the spec: once the server has the route, use the generated types and `api.POST`.
import { API_BASE, api, type Schemas, unwrap } from "../api/client";
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
export type RemoteDownloadRequest = Schemas["RemoteDownloadRequest"];

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
  return unwrap(api.POST("/workflow/download", { body: request }));
}
