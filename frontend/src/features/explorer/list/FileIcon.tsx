// A file's icon by kind, and in the grid its thumbnail when the server can make one (the
// extensions of its enabled generators; `GET /file/thumb` answers 40077 when there is none, and
// the icon stays).
import {
  IconFile,
  IconFileMusic,
  IconFileText,
  IconFileZip,
  IconFolderFilled,
  IconLink,
  IconMovie,
  IconPhoto,
} from "@tabler/icons-react";
import { useState } from "react";
import type { FileInfo } from "../../../api/client";
import { FOLDER } from "../../../api/files/listing";
import { thumbable, useFileThumb, useThumbExts } from "../../../api/files/thumbnails";
import { savedTarget } from "../../../api/sharing/savedShares";

const KINDS: [RegExp, typeof IconFile][] = [
  [/\.(jpe?g|png|gif|webp|bmp|heic|avif|svg|tiff?)$/i, IconPhoto],
  [/\.(mp4|mkv|webm|mov|avi|m4v)$/i, IconMovie],
  [/\.(mp3|flac|wav|ogg|m4a|aac|opus)$/i, IconFileMusic],
  [/\.(zip|rar|7z|tar|gz|bz2|xz)$/i, IconFileZip],
  [/\.(txt|md|pdf|docx?|odt|rtf|csv|json|log)$/i, IconFileText],
];

/**
 * Whether the thumbnail of `name` may fill its card, cut to the card's shape: a photo, a
 * video's frame or a cover. A page (PDF, documents, slides) is shown whole: its middle, which
 * is all a cut-to-fill card shows of a portrait page, is often blank.
 */
export function fillsCard(name: string): boolean {
  const Icon = KINDS.find(([re]) => re.test(name))?.[1];
  return Icon === IconPhoto || Icon === IconMovie || Icon === IconFileMusic;
}

export function FileIcon({ file, size }: { file: FileInfo; size: number }) {
  if (file.type === FOLDER) {
    return <IconFolderFilled size={size} color="var(--mantine-color-yellow-5)" aria-hidden />;
  }
  // A saved share ("Shared with me") is a link to the share, whatever its name says.
  if (savedTarget(file)) return <IconLink size={size} stroke={1.5} aria-hidden />;
  const Icon = KINDS.find(([re]) => re.test(file.name))?.[1] ?? IconFile;
  return <Icon size={size} stroke={1.5} aria-hidden />;
}

export function Thumbnail({ file, className }: { file: FileInfo; className: string }) {
  const exts = useThumbExts();
  const wanted = file.type !== FOLDER && !savedTarget(file) && thumbable(file.name, exts.data);
  const [broken, setBroken] = useState(false);
  const thumb = useFileThumb(file.path, file.updated_at, wanted);
  return (
    <span className={className}>
      {thumb.data && !broken ? (
        <img
          src={thumb.data}
          alt=""
          loading="lazy"
          data-fit={fillsCard(file.name) ? "fill" : "whole"}
          onError={() => setBroken(true)}
        />
      ) : (
        <FileIcon file={file} size={56} />
      )}
    </span>
  );
}
