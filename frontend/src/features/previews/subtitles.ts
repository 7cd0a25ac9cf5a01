//! Subtitles and chapters for a video from the files beside it: `clip.srt`, `clip.en.vtt`
//! (a language or a name after the video's base name) are subtitle tracks, `clip.chapters.vtt`
//! the chapters. Each is fetched from its signed URL, SRT turned into WebVTT here, and handed to
//! the `<track>` as a blob: the browser parses it as WebVTT text, never as a page.
import { useQuery } from "@tanstack/react-query";
import type { FileInfo } from "../../api/client";
import { fetchText } from "../../api/files/content";
import { baseName } from "./kinds";

/** Larger files beside a video are not taken for subtitles. */
const MAX_SUBTITLE_BYTES = 2 * 1024 * 1024;

export type TextTrack = {
  /** The file's path, unique among the video's tracks. */
  id: string;
  kind: "subtitles" | "chapters";
  /** What the picker shows: the part of the name after the video's (`en`), else the name. */
  label: string;
  /** A language tag when the label looks like one. */
  lang?: string;
  /** A blob: URL of the track as WebVTT. */
  src: string;
};

function extension(name: string): string {
  return name.toLowerCase().split(".").pop() ?? "";
}

/** The subtitle and chapter files among `siblings` that belong to `video`, by name. */
export function trackFiles(video: FileInfo, siblings: FileInfo[]): FileInfo[] {
  const base = baseName(video.name);
  return siblings.filter((f) => {
    if (f.type !== 0 || f.size > MAX_SUBTITLE_BYTES) return false;
    if (!["srt", "vtt"].includes(extension(f.name))) return false;
    const own = baseName(f.name);
    return own === base || own.startsWith(`${base}.`);
  });
}

/** How a track file is shown: `clip.en.srt` beside `clip.mp4` is "en", in language en. */
export function describeTrack(video: FileInfo, file: FileInfo) {
  const middle = file.name.slice(baseName(video.name).length, file.name.lastIndexOf("."));
  const tag = middle.replace(/^\./, "");
  const kind = tag.toLowerCase() === "chapters" ? "chapters" : "subtitles";
  const lang = /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i.test(tag) ? tag : undefined;
  return { kind, label: tag || file.name, lang } as const;
}

/**
 * SRT as WebVTT: the header, `.` before the milliseconds, hours of two digits, and the
 * `{\an8}`-style positioning tags some SRT files carry (WebVTT would show them) removed.
 */
export function srtToVtt(srt: string): string {
  const body = srt
    .replace(/^\uFEFF/, "")
    .replace(/\r\n?/g, "\n")
    .replace(
      /(\d+):(\d{2}):(\d{2})[,.](\d{1,3})/g,
      (_, h: string, m: string, s: string, ms: string) =>
        `${h.padStart(2, "0")}:${m}:${s}.${ms.padEnd(3, "0")}`,
    )
    .replace(/\{\\[^}]*\}/g, "");
  return `WEBVTT\n\n${body.trim()}\n`;
}

async function loadTrack(video: FileInfo, file: FileInfo): Promise<TextTrack> {
  const text = await fetchText(file.path);
  const vtt = extension(file.name) === "srt" ? srtToVtt(text) : text;
  const src = URL.createObjectURL(new Blob([vtt], { type: "text/vtt" }));
  return { id: file.path, src, ...describeTrack(video, file) };
}

/** The video's tracks, loaded; a file that fails to load is left out. */
export function useTextTracks(video: FileInfo, siblings: FileInfo[]) {
  const files = trackFiles(video, siblings);
  return useQuery({
    queryKey: ["preview", "tracks", video.path, files.map((f) => `${f.path}@${f.updated_at}`)],
    queryFn: async () => {
      const loaded = await Promise.allSettled(files.map((f) => loadTrack(video, f)));
      return loaded.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    },
    enabled: files.length > 0,
    staleTime: Number.POSITIVE_INFINITY,
    // The blob URLs live as long as the page: a track is a few KB, and a revoked URL would
    // break a player that still shows it.
    gcTime: Number.POSITIVE_INFINITY,
  });
}
