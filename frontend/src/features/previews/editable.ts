// Whether a viewer may offer to change a file: the user's own, and not inside a snapshot (whose
// files the user owns but which is read only).
import type { FileInfo } from "../../api/client";
import { parseUri } from "../../lib/uri";

export function isEditable(file: FileInfo): boolean {
  return !!file.owned && parseUri(file.path)?.fs !== "snapshot";
}
