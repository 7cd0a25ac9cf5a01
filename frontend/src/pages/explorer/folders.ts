// The sub-folders of a folder, for the folder picker and the side bar's tree. Folders come
// first in a listing, so the first page of up to 1,000 entries holds them.
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import { FOLDER } from "./listing";

export function useSubfolders(uri: string, enabled = true) {
  return useQuery({
    queryKey: ["tree", uri],
    queryFn: async () => {
      const page = await unwrap(
        api.GET("/file", { params: { query: { uri, page_size: 1000, order_by: "name" } } }),
      );
      return page.files.filter((f) => f.type === FOLDER);
    },
    enabled,
  });
}
