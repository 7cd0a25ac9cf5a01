//! Which viewer a file opens in, from its name's extension: the site's own choice first
//! (`viewer_default_apps`, set by the administrator), then the file apps it switched on
//! (`fileApps.ts`), then the built-in table below.

import type { FileApp } from "./fileApps";

export type PreviewKind =
  | "image"
  | "video"
  | "audio"
  | "pdf"
  | "epub"
  | "markdown"
  | "text"
  | "drawio"
  | "excalidraw";

/**
 * Pictures a browser cannot draw itself (HEIC, TIFF, camera RAW): the gallery shows the
 * server's thumbnail of them instead.
 */
const UNDRAWABLE = new Set([
  "heic",
  "heif",
  "tif",
  "tiff",
  "dng",
  "cr2",
  "cr3",
  "crw",
  "nef",
  "nrw",
  "arw",
  "sr2",
  "orf",
  "rw2",
  "raf",
  "pef",
  "srw",
  "raw",
]);

const KINDS: Record<PreviewKind, string[]> = {
  image: ["png", "jpg", "jpeg", "gif", "webp", "avif", "bmp", "ico", "svg", ...UNDRAWABLE],
  video: ["mp4", "m4v", "webm", "ogv", "mov", "mkv"],
  audio: ["mp3", "wav", "ogg", "oga", "opus", "flac", "m4a", "aac", "weba"],
  pdf: ["pdf"],
  epub: ["epub"],
  // The file apps open only what the site enables (`setFileApps`).
  drawio: [],
  excalidraw: [],
  markdown: ["md", "markdown", "mdown", "mkd"],
  text: [
    "txt",
    "log",
    "csv",
    "tsv",
    "json",
    "jsonc",
    "json5",
    "xml",
    "yaml",
    "yml",
    "toml",
    "ini",
    "cfg",
    "conf",
    "env",
    "properties",
    "js",
    "mjs",
    "cjs",
    "jsx",
    "ts",
    "tsx",
    "css",
    "scss",
    "less",
    "html",
    "htm",
    "vue",
    "svelte",
    "py",
    "rb",
    "rs",
    "go",
    "java",
    "kt",
    "kts",
    "scala",
    "c",
    "h",
    "cc",
    "cpp",
    "cxx",
    "hpp",
    "cs",
    "swift",
    "m",
    "php",
    "pl",
    "lua",
    "r",
    "sql",
    "sh",
    "bash",
    "zsh",
    "fish",
    "ps1",
    "bat",
    "dockerfile",
    "makefile",
    "gradle",
    "tex",
    "diff",
    "patch",
    "srt",
    "vtt",
    "proto",
    "graphql",
    "dart",
    "ex",
    "exs",
    "erl",
    "hs",
    "clj",
    "elm",
    "nix",
    "tf",
    "zig",
    "gitignore",
    "editorconfig",
  ],
};

const BY_EXTENSION = new Map<string, PreviewKind>(
  (Object.entries(KINDS) as [PreviewKind, string[]][]).flatMap(([kind, exts]) =>
    exts.map((ext): [string, PreviewKind] => [ext, kind]),
  ),
);

/** Names without a dot that are text all the same. */
const TEXT_NAMES = new Set(["dockerfile", "makefile", "readme", "license", "changelog"]);

/**
 * The viewer ids `viewer_default_apps` may name: Cloudreve's (so that a site moved from it keeps
 * its choices) and this viewer's own kind names. An id not listed (a Cloudreve app Stratus does
 * not have) leaves the extension to the built-in table.
 */
const VIEWER_IDS: Record<string, PreviewKind> = {
  image: "image",
  photo: "image",
  video: "video",
  music: "audio",
  audio: "audio",
  pdf: "pdf",
  epub: "epub",
  markdown: "markdown",
  monaco: "text",
  codemirror: "text",
  text: "text",
};

/** The administrator's choices, extension → viewer; set from the site config (`useViewerDefaults`). */
let siteDefaults = new Map<string, PreviewKind>();

/** Takes the site's `default_viewer_mapping` (`{ext: viewer id}`); unknown ids are left out. */
export function setViewerDefaults(mapping: Record<string, string> | undefined | null) {
  const next = new Map<string, PreviewKind>();
  for (const [ext, id] of Object.entries(mapping ?? {})) {
    const kind = VIEWER_IDS[id.toLowerCase()];
    if (kind) next.set(ext.toLowerCase().replace(/^\./, ""), kind);
  }
  siteDefaults = next;
}

/** The file apps switched on, by the extensions they open. */
let fileApps = new Map<string, FileApp>();

export function setFileApps(apps: FileApp[]) {
  fileApps = new Map(apps.flatMap((app) => app.exts.map((ext): [string, FileApp] => [ext, app])));
}

/** The file app that opens `name`, if one is switched on for its extension. */
export function fileAppFor(name: string): FileApp | undefined {
  return fileApps.get(name.toLowerCase().split(".").pop() ?? "");
}

export function previewKind(name: string): PreviewKind | undefined {
  const lower = name.toLowerCase();
  const dot = lower.lastIndexOf(".");
  if (dot < 0) return TEXT_NAMES.has(lower) ? "text" : undefined;
  const ext = lower.slice(dot + 1);
  return siteDefaults.get(ext) ?? fileApps.get(ext)?.id ?? BY_EXTENSION.get(ext);
}

/** The name without its last extension, lower case (`Film.Part1.mp4` → `film.part1`). */
export function baseName(name: string): string {
  const lower = name.toLowerCase();
  const dot = lower.lastIndexOf(".");
  return dot <= 0 ? lower : lower.slice(0, dot);
}

/** Whether the browser can draw the picture `name` (else the gallery shows its thumbnail). */
export function drawable(name: string): boolean {
  return !UNDRAWABLE.has(name.toLowerCase().split(".").pop() ?? "");
}
