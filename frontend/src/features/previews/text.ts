//! A file's text as a query, shared by the text and markdown viewers.
import { useQuery } from "@tanstack/react-query";
import type { FileInfo } from "../../api/client";
import { fetchText, MAX_TEXT_BYTES } from "../../api/files/content";

export const textKey = (uri: string) => ["preview", "text", uri] as const;

export class TooLargeError extends Error {}

export function useFileText(file: FileInfo) {
  return useQuery({
    queryKey: textKey(file.path),
    queryFn: ({ signal }) => {
      if (file.size > MAX_TEXT_BYTES) throw new TooLargeError();
      return fetchText(file.path, signal);
    },
    staleTime: 0,
    gcTime: 0,
    retry: false,
  });
}
