// What one row of "Devices and keys" says of a credential besides its name: its last use
// (when, from where, with what client) and how far it reaches. Kept apart from the component
// so the wording rules are tested without a browser.
import type { TFunction } from "i18next";
import type { UserCredential } from "../../../api/devices/credentials";
import { formatDate } from "../../../lib/format";

/** The kinds the server names, in the order the list shows them. */
export const CREDENTIAL_KINDS = ["session", "app_password", "webdav", "s3_key", "oauth"] as const;

/** The line under the name: last use with address and client, else when it was made. */
export function usageLine(c: UserCredential, t: TFunction, language: string): string {
  const parts: string[] = [];
  if (c.current) parts.push(t("settings.credentials.inUse"));
  else if (c.last_used_at)
    parts.push(t("settings.credentials.lastUsed", { when: formatDate(c.last_used_at, language) }));
  else parts.push(t("settings.credentials.neverUsed"));
  if (c.last_ip) parts.push(c.last_ip);
  // The name of a web session is already its browser and system, read from the client.
  const client = c.client?.trim();
  if (client && c.kind !== "session") parts.push(shorten(client));
  if (c.created_at)
    parts.push(t("settings.credentials.added", { when: formatDate(c.created_at, language) }));
  return parts.join(" · ");
}

/** A folder of the user's own drive as they see it (`cloudreve://my/Docs` → `/Docs`); any
 * other URI (a share) as it is. */
function drivePath(uri: string): string {
  const mine = /^cloudreve:\/\/(?:[^@/]*@)?my(\/.*)?$/.exec(uri);
  if (!mine) return uri;
  return decodeURIComponent(mine[1] ?? "/");
}

/** How far it reaches: a folder (or a folder gone), or the whole drive; and read-only. */
export function reachLine(c: UserCredential, t: TFunction): string {
  const folder =
    c.root === undefined || c.root === null
      ? t("settings.credentials.wholeDrive")
      : c.root === ""
        ? t("settings.credentials.folderGone")
        : t("settings.credentials.folder", { folder: drivePath(c.root) });
  return c.read_only ? `${folder} · ${t("settings.credentials.readOnly")}` : folder;
}

/** A client string cut to what fits on the line. */
function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}
