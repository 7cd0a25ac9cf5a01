//! The address a file app is framed at (FileAppPreview's alone, so that it stays out of the
//! explorer's first load, which only needs fileApps.ts to know the apps' extensions).
import type { FileApp } from "./fileApps";

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
