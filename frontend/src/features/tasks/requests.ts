// Workflow requests that start tasks, through the generated client.
import { api, type Schemas, unwrap } from "../../api/client";
import type { Task } from "../../api/tasks";

/** `POST /workflow/extract` */
export type ExtractRequest = Schemas["ExtractRequest"];

/** `POST /workflow/download` */
export type RemoteDownloadRequest = Schemas["RemoteDownloadRequest"];

export function extractArchive(request: ExtractRequest): Promise<Task> {
  return unwrap(api.POST("/workflow/extract", { body: request }));
}

/** One task per URL, or one for the torrent file. */
export function startRemoteDownload(request: RemoteDownloadRequest): Promise<Task[]> {
  return unwrap(api.POST("/workflow/download", { body: request }));
}
