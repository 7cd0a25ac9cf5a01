// Whether a viewer may offer to change a file: in a drive (not a snapshot, whose files the user
// owns but which is read only, nor a share link's), the user's own or in a folder another user
// granted them write access to (the save is then a version of the owner's file).
import type { FileInfo } from "../../api/client";
import { parseUri } from "../../lib/uri";
import { CAP, hasCapability } from "../explorer/actions";

export function isEditable(file: FileInfo): boolean {
  if (parseUri(file.path)?.fs !== "my") return false;
  return !!file.owned || hasCapability(file.capability, CAP.upload);
}
