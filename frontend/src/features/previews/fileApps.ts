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

/**
 * The address to frame: the app's own with the embed protocol asked for (draw.io's JSON
 * messages: `init`, `load`, `save`, `exit`), in the UI's language and scheme, read only when
 * the file may not be changed.
 */
export function embedUrl(
  app: FileApp,
  options: { lang: string; dark: boolean; editable: boolean },
) {
  const url = new URL(app.url);
  const params = url.searchParams;
  params.set("embed", "1");
  params.set("proto", "json");
  params.set("spin", "1");
  params.set("saveAndExit", "1");
  params.set("noExitBtn", "0");
  // draw.io names Chinese by script (`zh`, `zh-tw`), other languages by their first part.
  const [first = "en", region = ""] = options.lang.toLowerCase().split("-");
  params.set("lang", first === "zh" && region === "tw" ? "zh-tw" : first);
  params.set("ui", options.dark ? "dark" : "kennedy");
  params.set("dark", options.dark ? "1" : "0");
  if (!options.editable) params.set("chrome", "0");
  return url.toString();
}
