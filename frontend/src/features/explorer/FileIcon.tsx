// A file's icon by kind, and in the grid its thumbnail when the server can make one (images and
// videos; `GET /file/thumb` answers 40077 when there is none, and the icon stays).
import {
  IconFile,
  IconFileMusic,
  IconFileText,
  IconFileZip,
  IconFolderFilled,
  IconMovie,
  IconPhoto,
} from "@tabler/icons-react";
import { useState } from "react";
import type { FileInfo } from "../../api/client";
import { FOLDER } from "../../api/listing";
import { useThumbnail } from "../../api/thumbs";

const KINDS: [RegExp, typeof IconFile][] = [
  [/\.(jpe?g|png|gif|webp|bmp|heic|avif|svg|tiff?)$/i, IconPhoto],
  [/\.(mp4|mkv|webm|mov|avi|m4v)$/i, IconMovie],
  [/\.(mp3|flac|wav|ogg|m4a|aac|opus)$/i, IconFileMusic],
  [/\.(zip|rar|7z|tar|gz|bz2|xz)$/i, IconFileZip],
  [/\.(txt|md|pdf|docx?|odt|rtf|csv|json|log)$/i, IconFileText],
];

const THUMBABLE = /\.(jpe?g|png|gif|webp|bmp|heic|avif|tiff?|mp4|mkv|webm|mov|m4v)$/i;

export function FileIcon({ file, size }: { file: FileInfo; size: number }) {
  if (file.type === FOLDER) {
    return <IconFolderFilled size={size} color="var(--mantine-color-yellow-5)" aria-hidden />;
  }
  const Icon = KINDS.find(([re]) => re.test(file.name))?.[1] ?? IconFile;
  return <Icon size={size} stroke={1.5} aria-hidden />;
}

export function Thumbnail({ file, className }: { file: FileInfo; className: string }) {
  const wanted = file.type !== FOLDER && THUMBABLE.test(file.name);
  const [broken, setBroken] = useState(false);
  const thumb = useThumbnail(file, wanted);
  return (
    <span className={className}>
      {thumb.data && !broken ? (
        <img src={thumb.data} alt="" loading="lazy" onError={() => setBroken(true)} />
      ) : (
        <FileIcon file={file} size={56} />
      )}
    </span>
  );
}
