//! The file apps the site switched on (draw.io, Excalidraw): editors on another origin, framed
//! by FileAppPreview. The server lists each one switched on in `explorer.file_viewers` as a
//! Cloudreve viewer whose `props.host` is its address (`server/src/settings/file_apps.rs`), and
//! lets the page frame exactly those origins.

export type FileAppId = "drawio" | "excalidraw";

export type FileApp = {
  id: FileAppId;
  /** The address the administrator set; the embed parameters are added to it. */
  url: string;
  /** The only origin whose messages are taken. */
  origin: string;
  exts: string[];
};

const IDS: readonly FileAppId[] = ["drawio", "excalidraw"];

/** The file apps in `explorer.file_viewers` (an array of `{viewers: [...]}` groups). */
export function fileAppsOf(fileViewers: unknown): FileApp[] {
  if (!Array.isArray(fileViewers)) return [];
  const apps: FileApp[] = [];
  for (const group of fileViewers) {
    const viewers = (group as { viewers?: unknown })?.viewers;
    if (!Array.isArray(viewers)) continue;
    for (const viewer of viewers) {
      const app = appOf(viewer);
      if (app && !apps.some((a) => a.id === app.id)) apps.push(app);
    }
  }
  return apps;
}

function appOf(viewer: unknown): FileApp | null {
  const { id, exts, props, disabled } = (viewer ?? {}) as {
    id?: unknown;
    exts?: unknown;
    props?: { host?: unknown };
    disabled?: unknown;
  };
  if (disabled || !IDS.includes(id as FileAppId) || typeof props?.host !== "string") return null;
  try {
    const url = new URL(props.host);
    if (url.protocol !== "https:" && url.protocol !== "http:") return null;
    const list = Array.isArray(exts) ? exts.filter((e): e is string => typeof e === "string") : [];
    return {
      id: id as FileAppId,
      url: props.host,
      origin: url.origin,
      exts: list.map((e) => e.toLowerCase()),
    };
  } catch {
    return null;
  }
}
