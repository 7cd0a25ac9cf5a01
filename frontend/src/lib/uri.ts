// File URIs (`cloudreve://[id[:password]@]fs/path`), as the API writes them (spec §4.1): path
// segments are escaped like encodeURIComponent.

export type FsKind = "my" | "trash" | "shared_with_me" | "share";

export type ParsedUri = {
  fs: string;
  /** The user part: a share id for `share`. */
  id?: string;
  password?: string;
  /** Decoded path segments below the file system's root. */
  segments: string[];
};

export const MY_ROOT = "cloudreve://my";
export const TRASH_ROOT = "cloudreve://trash";
export const SHARED_WITH_ME_ROOT = "cloudreve://shared_with_me";

const PATTERN = /^cloudreve:\/\/(?:([^@/?]*)@)?([^/?]+)([^?]*)/i;

export function parseUri(uri: string): ParsedUri | null {
  const match = PATTERN.exec(uri);
  if (!match) return null;
  const [, user, fs = "", path = ""] = match;
  let segments: string[];
  try {
    segments = path.split("/").filter(Boolean).map(decodeURIComponent);
  } catch {
    return null;
  }
  const [id, password] = user ? user.split(":", 2) : [];
  return { fs: fs.toLowerCase(), id: id || undefined, password: password || undefined, segments };
}

export function formatUri({ fs, id, password, segments }: ParsedUri): string {
  const user = id ? `${id}${password ? `:${password}` : ""}@` : "";
  return `cloudreve://${user}${fs}${segments.map((s) => `/${encodeURIComponent(s)}`).join("")}`;
}

/** The URI of `name` inside the folder `uri`. */
export function childUri(uri: string, name: string): string {
  return `${uri.split("?")[0]?.replace(/\/+$/, "")}/${encodeURIComponent(name)}`;
}

/** The URI of each folder from the root down to `parsed` itself. */
export function ancestors(parsed: ParsedUri): string[] {
  return [0, ...parsed.segments.map((_, i) => i + 1)].map((depth) =>
    formatUri({ ...parsed, segments: parsed.segments.slice(0, depth) }),
  );
}
