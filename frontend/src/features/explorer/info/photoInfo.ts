// A photo's EXIF, as the server's `media_meta` task stores it in public `exif:*` metadata keys
// (Cloudreve's names), turned into the lines the info panel shows: camera, lens, the exposure
// line cameras show (`f/2.8 · 1/250 s · 35 mm · ISO 200 · −0.3 EV`), when it was taken (the
// photo's own wall-clock time), size, and where (coordinates and an OpenStreetMap link).

/** The namespace of the keys the server extracts from a picture. */
export const EXIF = "exif:";

export type Photo = {
  camera?: string;
  lens?: string;
  /** The exposure settings present, in camera order; shown joined by " · ". */
  exposure: string[];
  takenAt?: string;
  dimensions?: string;
  location?: { text: string; url: string; altitude?: string };
  software?: string;
  artist?: string;
  copyright?: string;
};

type Metadata = Record<string, string> | null | undefined;

/** The extensions the server reads EXIF from (server/src/media_meta/mod.rs, `EXIF_EXTS`). */
const EXIF_EXTS = [
  "jpg",
  "jpeg",
  "jpe",
  "tif",
  "tiff",
  "dng",
  "heic",
  "heif",
  "avif",
  "png",
  "webp",
];

/** How long after a picture's upload its EXIF may still be on the way. */
export const EXIF_WAIT_MS = 60_000;

/**
 * Whether a picture's EXIF may still arrive: it has none yet, and its content changed less than
 * [`EXIF_WAIT_MS`] ago (the server reads it in a background task after each upload; a picture
 * without EXIF gets no key at all, so the wait is bounded by time).
 */
export function awaitingExif(
  file: { name: string; metadata?: Metadata; updated_at?: string | null } | undefined,
  now: number,
): boolean {
  if (!file || hasExif(file.metadata)) return false;
  const ext = file.name.split(".").pop()?.toLowerCase() ?? "";
  if (!file.name.includes(".") || !EXIF_EXTS.includes(ext)) return false;
  const changed = Date.parse(file.updated_at ?? "");
  return Number.isFinite(changed) && now - changed >= -5_000 && now - changed < EXIF_WAIT_MS;
}

/** Whether the file has any EXIF key. */
export function hasExif(metadata: Metadata): boolean {
  return Object.keys(metadata ?? {}).some((k) => k.startsWith(EXIF));
}

/** The photo lines of `metadata`, or null when it holds no EXIF. Dates in `language`. */
export function photoInfo(metadata: Metadata, language: string): Photo | null {
  if (!metadata || !hasExif(metadata)) return null;
  const get = (key: string) => {
    const value = metadata[EXIF + key]?.trim();
    return value ? value : undefined;
  };
  const taken = get("taken_at");
  return {
    camera: joinMake(get("camera_make"), get("camera_model")),
    lens: joinMake(get("lens_make"), get("lens_model")),
    exposure: [
      fNumber(get("f")),
      exposureTime(get("exposure_time")),
      focalLength(get("focal_length")),
      iso(get("iso")),
      exposureBias(get("exposure_bias")),
    ].filter((part): part is string => !!part),
    takenAt: taken ? takenAt(taken, language) : undefined,
    dimensions: dimensions(get("x"), get("y"), get("orientation")),
    location: location(get("latitude"), get("longitude"), get("altitude")),
    software: get("software"),
    artist: get("artist"),
    copyright: get("copy_right"),
  };
}

/** A finite number from a stored value, else undefined. */
function num(value?: string): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** Up to `digits` decimals, without trailing zeros: 2.800000 → "2.8", 35.0 → "35". */
function trim(n: number, digits: number): string {
  const text = n.toFixed(digits);
  return text.includes(".") ? text.replace(/\.?0+$/, "") : text;
}

/**
 * Make and model as one name, the make left out when the model already starts with it (or with
 * its first word: "NIKON CORPORATION" + "NIKON D850" → "NIKON D850").
 */
export function joinMake(make?: string, model?: string): string | undefined {
  const m = make?.trim();
  const name = model?.trim();
  if (!name) return m || undefined;
  if (!m) return name;
  const lower = name.toLowerCase();
  const first = m.split(/\s+/)[0] ?? m;
  if (lower.startsWith(m.toLowerCase()) || lower.startsWith(first.toLowerCase())) return name;
  return `${m} ${name}`;
}

/** "2.800000" → "f/2.8", "0.95" → "f/0.95". */
export function fNumber(value?: string): string | undefined {
  const n = num(value);
  return n !== undefined && n > 0 ? `f/${trim(n, 2)}` : undefined;
}

/**
 * "1/250" → "1/250 s", "2.5" → "2.5 s"; a bare fraction of a second ("0.004") reads as the
 * reciprocal cameras show ("1/250 s").
 */
export function exposureTime(value?: string): string | undefined {
  if (!value) return undefined;
  const fraction = /^(\d+)\s*\/\s*(\d+)$/.exec(value);
  if (fraction) {
    const [top, bottom] = [Number(fraction[1]), Number(fraction[2])];
    if (top <= 0 || bottom <= 0) return undefined;
    return top === 1 ? `1/${bottom} s` : exposureTime(String(top / bottom));
  }
  const n = num(value);
  if (n === undefined || n <= 0) return undefined;
  if (n < 1) return `1/${Math.round(1 / n)} s`;
  return `${trim(n, 1)} s`;
}

/** "35" → "35 mm", "4.25" → "4.3 mm". */
export function focalLength(value?: string): string | undefined {
  const n = num(value);
  return n !== undefined && n > 0 ? `${trim(n, 1)} mm` : undefined;
}

export function iso(value?: string): string | undefined {
  const n = num(value);
  return n !== undefined && n > 0 ? `ISO ${Math.round(n)}` : undefined;
}

/** "-0.333333" → "−0.3 EV" (a true minus sign), "0.666667" → "+0.7 EV"; none for 0. */
export function exposureBias(value?: string): string | undefined {
  const n = num(value);
  if (n === undefined) return undefined;
  const text = trim(Math.abs(n), 1);
  if (text === "0") return undefined;
  return `${n < 0 ? "\u2212" : "+"}${text} EV`;
}

/** Pixel size as shown: width and height swap for orientations 5–8 (turned a quarter). */
export function dimensions(x?: string, y?: string, orientation?: string): string | undefined {
  const [w, h] = [num(x), num(y)];
  if (!w || !h) return undefined;
  const turned = (num(orientation) ?? 1) >= 5 && (num(orientation) ?? 1) <= 8;
  return turned ? `${h} × ${w}` : `${w} × ${h}`;
}

/**
 * "48.858222", "-2.294500" → "48.8582° N, 2.2945° W" with an OpenStreetMap link; none when out of
 * range, or for 0, 0 (what some cameras write without a fix).
 */
export function location(
  latitude?: string,
  longitude?: string,
  altitude?: string,
): Photo["location"] {
  const [lat, lon] = [num(latitude), num(longitude)];
  if (lat === undefined || lon === undefined) return undefined;
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180 || (lat === 0 && lon === 0)) return undefined;
  const text = `${Math.abs(lat).toFixed(4)}° ${lat < 0 ? "S" : "N"}, ${Math.abs(lon).toFixed(4)}° ${lon < 0 ? "W" : "E"}`;
  const [mlat, mlon] = [trim(lat, 6), trim(lon, 6)];
  const url = `https://www.openstreetmap.org/?mlat=${mlat}&mlon=${mlon}#map=16/${mlat}/${mlon}`;
  const metres = num(altitude);
  return {
    text,
    url,
    altitude:
      metres === undefined
        ? undefined
        : `${metres < 0 ? "\u2212" : ""}${trim(Math.abs(metres), 0)} m`,
  };
}

/**
 * An RFC 3339 time in `language`, at the wall-clock time the camera recorded (its own offset,
 * not the viewer's time zone): "2024-05-01T10:20:30+02:00" → "May 1, 2024, 10:20 AM". Text that
 * does not parse is shown as it is.
 */
export function takenAt(value: string, language: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?/.exec(value);
  if (!m) return value;
  const [year, month, day, hour, minute, second] = m.slice(1).map((p) => Number(p ?? 0));
  const wall = new Date(
    Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1, hour ?? 0, minute ?? 0, second ?? 0),
  );
  if (Number.isNaN(wall.getTime())) return value;
  return wall.toLocaleString(language, {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: "UTC",
  });
}
