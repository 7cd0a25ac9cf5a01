//! Which viewer a file opens in, from its name's extension.

export type PreviewKind = "image" | "video" | "audio" | "pdf" | "markdown" | "text";

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

export function previewKind(name: string): PreviewKind | undefined {
  const lower = name.toLowerCase();
  const dot = lower.lastIndexOf(".");
  if (dot < 0) return TEXT_NAMES.has(lower) ? "text" : undefined;
  return BY_EXTENSION.get(lower.slice(dot + 1));
}

/** Whether the browser can draw the picture `name` (else the gallery shows its thumbnail). */
export function drawable(name: string): boolean {
  return !UNDRAWABLE.has(name.toLowerCase().split(".").pop() ?? "");
}
