// The deep link that hands an authorization code to Cloudreve's desktop and iOS clients
// (spec 4.18 §2.11): `cloudreve://mount?state=…&code=…&user_id=…`, with the folder to sync and the
// drive's display name for a new desktop mount. Values are percent-encoded (spaces as %20).

export type MountLink = {
  state: string;
  code: string;
  userId: string;
  /** A folder URI such as `cloudreve://my/Sync` (desktop, new mount only). */
  path?: string;
  name?: string;
};

export function mountLink({ state, code, userId, path, name }: MountLink): string {
  const pairs: [string, string | undefined][] = [
    ["state", state],
    ["code", code],
    ["user_id", userId],
    ["path", path],
    ["name", name],
  ];
  const query = pairs
    .filter((pair): pair is [string, string] => pair[1] !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join("&");
  return `cloudreve://mount?${query}`;
}

/** The desktop client re-authorizing a drive it already has: no setup, the link opens at once. */
export const isReauthorize = (state: string) => state.startsWith("reauthorize:");

/** The default display name of a new mount: the folder's own name, or the site's title. */
export function defaultMountName(folderUri: string, siteTitle: string): string {
  const rest = folderUri.replace(/^cloudreve:\/\/my\/?/, "").replace(/\/+$/, "");
  const last = rest.split("/").filter(Boolean).pop();
  return last ? decodeURIComponent(last) : siteTitle;
}
