// A photo's aspect ratio for the gallery: from its size in the listing's metadata (`exif:x`,
// `exif:y` from the media metadata task, turned by `exif:orientation`), else from its thumbnail
// once that has loaded (kept for the tab, by file and version), else a square meanwhile.
import { useCallback, useEffect, useRef, useState } from "react";
import type { FileInfo } from "../../../api/client";

const learned = new Map<string, number>();

const keyOf = (file: FileInfo) => `${file.path}@${file.updated_at ?? ""}`;

/** The ratio the metadata gives, if any. */
export function metadataAspect(metadata: Record<string, string> | null | undefined) {
  const x = Number(metadata?.["exif:x"]);
  const y = Number(metadata?.["exif:y"]);
  if (!(x > 0 && y > 0)) return undefined;
  // Orientations 5 to 8 turn the picture a quarter: its width is the stored height.
  const turned = Number(metadata?.["exif:orientation"]) >= 5;
  return turned ? y / x : x / y;
}

export function aspectOf(file: FileInfo | undefined): number {
  if (!file) return 1;
  return metadataAspect(file.metadata) ?? learned.get(keyOf(file)) ?? 1;
}

/**
 * `learn` records a thumbnail's natural size; `version` changes (once a frame, however many
 * thumbnails load in it) when a learned ratio changes the layout.
 */
export function useLearnedAspects() {
  const [version, setVersion] = useState(0);
  const frame = useRef(0);
  useEffect(() => () => cancelAnimationFrame(frame.current), []);
  const learn = useCallback((file: FileInfo, width: number, height: number) => {
    if (!(width > 0 && height > 0) || metadataAspect(file.metadata)) return;
    const key = keyOf(file);
    const ratio = width / height;
    const known = learned.get(key);
    if (known && Math.abs(known - ratio) < 0.01) return;
    learned.set(key, ratio);
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(() => setVersion((v) => v + 1));
  }, []);
  return { learn, version };
}
