// A song's tags (`music:*`) and a video's or song's streams (`stream:*`), as the server's
// `media_meta` task stores them in public metadata (Cloudreve's names), turned into what the
// info panel shows: durations as a clock, bitrates in kb/s or Mb/s, codecs by their usual names.

type Metadata = Record<string, string> | null | undefined;

export type Music = {
  title?: string;
  artist?: string;
  album?: string;
  albumArtist?: string;
  genre?: string;
  composer?: string;
  year?: string;
  track?: string;
  disc?: string;
  duration?: string;
};

export type Stream = {
  type: "video" | "audio";
  codec?: string;
  /** Video: "1920 × 1080". */
  resolution?: string;
  /** Audio: "44.1 kHz". */
  rate?: string;
  /** Audio: how many channels. */
  channels?: number;
  bitrate?: string;
};

export type Streams = { duration?: string; bitrate?: string; streams: Stream[] };

const value = (metadata: Metadata, key: string) => {
  const v = metadata?.[key]?.trim();
  return v ? v : undefined;
};

/** The song's tags, or null when it has none. */
export function musicInfo(metadata: Metadata): Music | null {
  const get = (key: string) => value(metadata, `music:${key}`);
  const music: Music = {
    title: get("title"),
    artist: get("artist"),
    album: get("album"),
    albumArtist: get("album_artist"),
    genre: get("genre"),
    composer: get("composer"),
    year: get("year"),
    track: get("track"),
    disc: get("disc"),
    duration: duration(get("duration")),
  };
  return Object.values(music).some(Boolean) ? music : null;
}

/**
 * The container's duration and bitrate and its video and audio streams, or null. A song's
 * "video" stream is its cover picture: left out when `song`.
 */
export function streamInfo(metadata: Metadata, song = false): Streams | null {
  const info: Streams = {
    duration: duration(value(metadata, "stream:duration")),
    bitrate: bitrate(value(metadata, "stream:bitrate")),
    streams: parseStreams(value(metadata, "stream:streams")).filter(
      (s) => !song || s.type === "audio",
    ),
  };
  return info.duration || info.bitrate || info.streams.length > 0 ? info : null;
}

type RawStream = {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  sample_rate?: string;
  channels?: number;
  bit_rate?: string;
};

/** The video and audio streams of `stream:streams` (a JSON array); others are left out. */
function parseStreams(text?: string): Stream[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text ?? "[]");
  } catch {
    return [];
  }
  if (!Array.isArray(raw)) return [];
  return (raw as RawStream[])
    .filter((s) => s && (s.codec_type === "video" || s.codec_type === "audio"))
    .map((s) => ({
      type: s.codec_type as Stream["type"],
      codec: codec(s.codec_name),
      resolution: s.width && s.height ? `${s.width} × ${s.height}` : undefined,
      rate: sampleRate(s.sample_rate),
      channels: s.channels && s.channels > 0 ? s.channels : undefined,
      bitrate: bitrate(s.bit_rate),
    }));
}

/** Seconds as a clock: "187.3" → "3:07", "3723" → "1:02:03". */
export function duration(seconds?: string): string | undefined {
  const n = Number(seconds);
  if (seconds === undefined || !Number.isFinite(n) || n <= 0) return undefined;
  const whole = Math.round(n);
  const [h, m, s] = [Math.floor(whole / 3600), Math.floor((whole % 3600) / 60), whole % 60];
  const two = (x: number) => String(x).padStart(2, "0");
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}

/** Bits per second: "128000" → "128 kb/s", "2500000" → "2.5 Mb/s". */
export function bitrate(bps?: string): string | undefined {
  const n = Number(bps);
  if (bps === undefined || !Number.isFinite(n) || n <= 0) return undefined;
  if (n >= 1_000_000) return `${trim(n / 1_000_000)} Mb/s`;
  return `${Math.round(n / 1000)} kb/s`;
}

/** Hertz: "44100" → "44.1 kHz". */
export function sampleRate(hz?: string): string | undefined {
  const n = Number(hz);
  if (hz === undefined || !Number.isFinite(n) || n <= 0) return undefined;
  return `${trim(n / 1000)} kHz`;
}

const CODECS: Record<string, string> = {
  h264: "H.264",
  hevc: "H.265 (HEVC)",
  av1: "AV1",
  vp8: "VP8",
  vp9: "VP9",
  mpeg4: "MPEG-4",
  mjpeg: "Motion JPEG",
  png: "PNG",
  aac: "AAC",
  mp3: "MP3",
  opus: "Opus",
  vorbis: "Vorbis",
  flac: "FLAC",
  alac: "ALAC",
  ac3: "AC-3",
  eac3: "E-AC-3",
};

/** ffprobe's codec name as people know it: "h264" → "H.264"; unknown ones upper-cased. */
export function codec(name?: string): string | undefined {
  const n = name?.trim().toLowerCase();
  if (!n) return undefined;
  return CODECS[n] ?? (n.startsWith("pcm_") ? "PCM" : n.toUpperCase());
}

/** Up to one decimal, without a trailing zero. */
function trim(n: number): string {
  return n.toFixed(1).replace(/\.0$/, "");
}

/** Extensions the server reads music tags from (server/src/media_meta/mod.rs, `MUSIC_EXTS`). */
const SONG_EXTS = new Set("mp3 m4a ogg oga opus flac wav aac aiff ape wv mpc spx".split(" "));

/** And those it gives to ffprobe besides (`FFPROBE_EXTS`). */
const MEDIA_EXTS = new Set([
  ...SONG_EXTS,
  ..."3g2 3gp asf avi divx flv m2ts m2v m4v mkv mov mp4 mpeg mpg mts mxf ogv rm webm wmv".split(
    " ",
  ),
]);

const extension = (name: string) =>
  name.includes(".") ? (name.split(".").pop()?.toLowerCase() ?? "") : "";

/** Whether `name` is a song (by its extension): its picture stream is a cover, not a video. */
export function isSong(name: string): boolean {
  return SONG_EXTS.has(extension(name));
}

/**
 * Whether a song's or video's metadata may still arrive: it has no `music:` or `stream:` key
 * yet and its content changed less than `waitMs` ago (read by a background task after each
 * upload; a file without tags gets no key at all, so the wait is bounded by time).
 */
export function awaitingMedia(
  file: { name: string; metadata?: Metadata; updated_at?: string | null } | undefined,
  now: number,
  waitMs: number,
): boolean {
  if (!file || musicInfo(file.metadata) || streamInfo(file.metadata)) return false;
  if (!MEDIA_EXTS.has(extension(file.name))) return false;
  const changed = Date.parse(file.updated_at ?? "");
  return Number.isFinite(changed) && now - changed >= -5_000 && now - changed < waitMs;
}
