// The sub-folders of a folder (and, for a file picker, some files), for the folder picker and the
// side bar's tree. Folders come first in a listing, so the first page of up to 1,000 entries
// holds them.
import { useQuery } from "@tanstack/react-query";
import { api, type FileInfo, unwrap } from "../client";
import { FOLDER } from "./listing";

/** Every folder's sub-folders, and one folder's. */
export const treeRoot = ["tree"] as const;
export const treeKey = (uri: string) => [...treeRoot, uri] as const;

export function useSubfolders(uri: string, enabled = true) {
  return useQuery({
    queryKey: treeKey(uri),
    queryFn: async () => (await firstPage(uri)).filter((f) => f.type === FOLDER),
    enabled,
  });
}

/** The sub-folders and the files `keep` accepts (a picker of, say, .torrent files). */
export function useFolderEntries(uri: string, keep: (file: FileInfo) => boolean, enabled = true) {
  return useQuery({
    queryKey: [...treeKey(uri), "with-files"],
    queryFn: async () => firstPage(uri),
    select: (files) => files.filter((f) => f.type === FOLDER || keep(f)),
    enabled,
  });
}

async function firstPage(uri: string): Promise<FileInfo[]> {
  const page = await unwrap(
    api.GET("/file", { params: { query: { uri, page_size: 1000, order_by: "name" } } }),
  );
  return page.files;
}
