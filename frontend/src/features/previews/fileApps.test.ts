import { afterEach, expect, it } from "vitest";
import { embedUrl } from "./embed";
import { fileAppsOf } from "./fileApps";
import { fileAppFor, previewKind, setFileApps } from "./kinds";

const viewers = [
  { viewers: [{ id: "pdf", exts: ["pdf"] }] },
  {
    viewers: [
      { id: "drawio", exts: ["drawio", "dio"], props: { host: "https://draw.example/embed/?a=1" } },
      { id: "excalidraw", exts: ["excalidraw"], props: { host: "javascript:alert(1)" } },
    ],
  },
];

afterEach(() => setFileApps([]));

it("opens only the file apps the site switched on", () => {
  expect(previewKind("plan.drawio")).toBeUndefined();
  setFileApps(fileAppsOf(viewers));
  expect(previewKind("plan.drawio")).toBe("drawio");
  expect(previewKind("old.DIO")).toBe("drawio");
  expect(fileAppFor("plan.drawio")?.origin).toBe("https://draw.example");
  // An address that is not a web page is no app.
  expect(previewKind("board.excalidraw")).toBeUndefined();
  expect(fileAppsOf("nonsense")).toEqual([]);
});

it("asks for the JSON embed protocol, read only when the file may not change", () => {
  const [app] = fileAppsOf(viewers);
  if (!app) throw new Error("no app");
  const url = new URL(embedUrl(app, { lang: "zh-TW", dark: true, editable: false }));
  expect(url.origin + url.pathname).toBe("https://draw.example/embed/");
  expect(url.searchParams.get("a")).toBe("1");
  expect(url.searchParams.get("embed")).toBe("1");
  expect(url.searchParams.get("proto")).toBe("json");
  expect(url.searchParams.get("lang")).toBe("zh-tw");
  expect(url.searchParams.get("ui")).toBe("dark");
  expect(url.searchParams.get("chrome")).toBe("0");
  const editing = new URL(embedUrl(app, { lang: "en-US", dark: false, editable: true }));
  expect(editing.searchParams.get("lang")).toBe("en");
  expect(editing.searchParams.has("chrome")).toBe(false);
});
