// One file's or folder's details (`GET /file/info`, extended), and the changes the info panel
// makes to it: its tags (metadata `tag:<name>`) and its versions (make current, delete).
import { useQuery } from "@tanstack/react-query";
import { api, type FileInfo, unwrap } from "../client";
import { FOLDER } from "./listing";

export const infoKey = (uri: string) => ["info", uri] as const;

/**
 * The details of `file`, with its folder summary for a folder; asked again every few seconds
 * while `waiting` says something is still on its way (metadata a background task reads).
 */
export function useFileInfo(file: FileInfo, waiting: (info: FileInfo | undefined) => boolean) {
  return useQuery({
    queryKey: infoKey(file.path),
    queryFn: () =>
      unwrap(
        api.GET("/file/info", {
          params: {
            query: { uri: file.path, extended: true, folder_summary: file.type === FOLDER },
          },
        }),
      ),
    refetchInterval: (query) => (waiting(query.state.data) ? 3_000 : false),
  });
}

type Patch = { key: string; value?: string; remove?: true };

/** Sets and removes public metadata keys of `uri`. */
export async function patchMetadata(uri: string, patches: Patch[]) {
  if (patches.length === 0) return;
  const body = { uris: [uri], patches: patches.map((p) => ({ private: false, ...p })) };
  await unwrap(api.PATCH("/file/metadata", { body }));
}

export async function makeVersionCurrent(uri: string, version: string) {
  await unwrap(api.POST("/file/version/current", { body: { uri, version } }));
}

export async function deleteVersion(uri: string, version: string) {
  await unwrap(api.DELETE("/file/version", { body: { uri, version } }));
}
