// Pure helpers of the task dialogs: the default zip name, the URL box's lines, and which files
// are archives or torrents.
import type { FileInfo } from "../../api/client";

/** `report.pdf` → `report.zip`; a folder keeps its whole name; several items: `archive.zip`. */
export function defaultZipName(files: Pick<FileInfo, "name" | "type">[]): string {
  const first = files[0];
  if (files.length !== 1 || !first) return "archive.zip";
  const stem = first.type === 1 ? first.name : first.name.replace(/\.[^.]+$/, "") || first.name;
  return `${stem}.zip`;
}

/** The non-empty lines of the text box. */
export function urlLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

/** Archives the server extracts (spec §2.6, `server/src/extract/format.rs`): zip, 7z and tar
 * (plain, gz, bz2, xz, zst); not rar, which it refuses. */
const ARCHIVE = /\.(zip|7z|tar|tgz|tar\.gz|tar\.bz2|tbz2|tbz|tar\.xz|txz|tar\.zst|tzst)$/i;

export const isArchive = (name: string) => ARCHIVE.test(name);
export const isZip = (name: string) => /\.zip$/i.test(name);
/** Formats that may be encrypted (a password can be given). */
export const mayBeEncrypted = (name: string) => /\.(zip|7z)$/i.test(name);
export const isTorrent = (name: string) => /\.torrent$/i.test(name);
