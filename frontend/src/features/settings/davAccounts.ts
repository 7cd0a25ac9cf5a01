// What the WebDAV settings read from an account and hand to the user: its option bits, the
// mount address, and the commands that mount the drive.
import type { Schemas } from "../../api/client";

export type DavAccount = Schemas["DavAccount"];

/** Boolset bit `bit` (base64 of little-endian bytes, spec §4.2). */
export function bit(options: string, index: number): boolean {
  try {
    const bytes = atob(options);
    return ((bytes.charCodeAt(index >> 3) >> (index & 7)) & 1) === 1;
  } catch {
    return false;
  }
}

/** The options' bits: read-only, proxied downloads, system files (.DS_Store…) refused. */
export const READONLY = 0;
export const PROXY = 1;
export const NO_SYS_FILES = 2;

export function mountUrl(): string {
  return `${window.location.origin}/dav`;
}

/** Commands that mount the drive with one account, for each system. */
export function mountCommands(url: string, user: string, password: string) {
  const host = new URL(url);
  return {
    rclone: `rclone config create stratus webdav url=${url} vendor=other user=${user} pass=$(rclone obscure '${password}')`,
    windows: `net use Z: ${url} /user:${user} ${password} /persistent:yes`,
    macos: `mkdir -p ~/Stratus && mount_webdav -s ${host.protocol}//${encodeURIComponent(user)}@${host.host}/dav ~/Stratus`,
  };
}
