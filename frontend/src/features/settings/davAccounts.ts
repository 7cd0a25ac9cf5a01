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

/** The ways to mount the drive on Linux, each one command or address. */
export type LinuxMount = "davfs2" | "gnome" | "rclone";

/**
 * Linux: davfs2 (a mount point of the system, asks for the user and password), GNOME Files
 * (an address for "Connect to Server": `dav://`, or `davs://` over HTTPS) and rclone (a
 * mount of the remote the rclone tab's command creates).
 */
export function linuxMounts(url: string): Record<LinuxMount, string> {
  const host = new URL(url);
  const scheme = host.protocol === "https:" ? "davs" : "dav";
  return {
    davfs2: `sudo apt install davfs2 && sudo mkdir -p /mnt/stratus && sudo mount -t davfs -o uid=$(id -u),gid=$(id -g) ${url} /mnt/stratus`,
    gnome: `${scheme}://${host.host}${host.pathname}`,
    rclone: "mkdir -p ~/Stratus && rclone mount stratus: ~/Stratus --vfs-cache-mode writes",
  };
}
