// The file apps: the administrator switches draw.io on in the viewer settings with the address
// of a stand-in page this spec serves on 127.0.0.1 (no internet here), which speaks draw.io's
// JSON embed protocol. A `.drawio` file opens in it, is loaded, and a change saved in the app
// becomes a new version; a message from anywhere but the app's frame is ignored; `exit`
// closes the viewer. A `.excalidraw` file opens the same way in the Excalidraw address.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, type Page, test } from "@playwright/test";
import { ACCOUNTS } from "./accounts";
import { openAdmin } from "./admin-helpers";
import { freshUser, signIn } from "./explorer-helpers";
import { type Account, apiAs, snapAll } from "./helpers";
import { driveOf } from "./transfers";

/** The app's side of the protocol: says `init`, shows what it is sent, saves and exits on click. */
const STAND_IN = `<!doctype html><html><head><title>stand-in</title>
<style>body{font:14px sans-serif;margin:16px} textarea{width:100%;height:160px}</style></head>
<body><h1 id="state">waiting</h1><textarea id="xml" aria-label="Diagram"></textarea>
<button id="save">Save diagram</button><button id="exit">Exit editor</button>
<script>
const send = (m) => parent.postMessage(JSON.stringify(m), "*");
const state = document.getElementById("state");
const xml = document.getElementById("xml");
window.addEventListener("message", (e) => {
  const m = JSON.parse(e.data);
  if (m.action === "load") { xml.value = m.xml; state.textContent = "loaded " + m.title; }
  if (m.action === "status") state.textContent = m.modified ? "unsaved" : "saved";
});
document.getElementById("save").onclick = () => send({ event: "save", xml: xml.value });
document.getElementById("exit").onclick = () => send({ event: "exit" });
send({ event: "init" });
</script></body></html>`;

let server: Server;
let origin = "";

test.beforeAll(async () => {
  server = createServer((_, res) => {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(STAND_IN);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

const OFF = {
  file_app_drawio_enabled: "0",
  file_app_drawio_url: "https://embed.diagrams.net",
  file_app_excalidraw_enabled: "0",
  file_app_excalidraw_url: "",
};

test.afterAll(async ({ request }) => {
  server?.close();
  const admin = await apiAs(request, ACCOUNTS.admin);
  await admin("PATCH", "/admin/settings", { body: { settings: OFF } });
});

const dialog = (page: Page) => page.getByRole("dialog");
const app = (page: Page) => dialog(page).frameLocator("[data-testid=preview-app]");

test.describe.configure({ timeout: 120_000 });

test("draw.io, switched on by the administrator, loads and saves a diagram", async ({
  page,
  request,
}, info) => {
  const admin = await apiAs(request, ACCOUNTS.admin);
  await admin("PATCH", "/admin/settings", { body: { settings: OFF } });
  await page.setViewportSize({ width: 1280, height: 720 });
  await openAdmin(page, "settings");
  await page.getByRole("tab", { name: "File explorer" }).click();
  await admin("PATCH", "/admin/settings", {
    body: {
      settings: {
        file_app_drawio_enabled: "1",
        file_app_drawio_url: `${origin}/embed/`,
        file_app_excalidraw_enabled: "1",
        file_app_excalidraw_url: `${origin}/excalidraw/`,
      },
    },
  });
  await page.reload();
  await page.getByRole("tab", { name: "File explorer" }).click();
  await expect(page.getByRole("textbox", { name: "draw.io address" })).toHaveValue(
    `${origin}/embed/`,
  );
  await snapAll(page, info, "file-apps-admin");
  // The page may frame the app's origin, and no other.
  const policy = (await request.get("/home")).headers()["content-security-policy"] ?? "";
  expect(policy).toContain(`frame-src 'self' ${origin};`);

  const { account } = await freshUser(request, "viewer-drawio");
  const drive = await driveOf(request, account as unknown as Account);
  const folder = await drive.folder("viewer-drawio");
  const diagram = '<mxfile><diagram name="Page-1">first</diagram></mxfile>';
  await drive.put(`${folder}/plan.drawio`, Buffer.from(diagram));
  await drive.put(`${folder}/board.excalidraw`, Buffer.from('{"type":"excalidraw"}'));
  await page.context().clearCookies();
  await page.evaluate(() => localStorage.clear());
  await signIn(page, account, folder);

  await page.getByRole("button", { name: "plan.drawio", exact: true }).dblclick();
  await expect(app(page).getByRole("heading")).toHaveText("loaded plan.drawio");
  await expect(app(page).getByRole("textbox", { name: "Diagram" })).toHaveValue(diagram);
  await expect(dialog(page).getByTestId("preview-app")).toHaveAttribute(
    "src",
    new RegExp(`^${origin}/embed/\\?embed=1&proto=json`),
  );
  await snapAll(page, info, "file-apps-drawio");

  // A message from the drive's own page (not the app's frame) is not taken for the app's.
  await page.evaluate(() => window.postMessage(JSON.stringify({ event: "exit" }), "*"));
  const changed = '<mxfile><diagram name="Page-1">second</diagram></mxfile>';
  await app(page).getByRole("textbox", { name: "Diagram" }).fill(changed);
  await app(page).getByRole("button", { name: "Save diagram" }).click();
  await expect(app(page).getByRole("heading")).toHaveText("saved");
  const saved = await drive.info(`${folder}/plan.drawio`);
  expect(saved.extended_info.entities).toHaveLength(2);
  expect((await drive.read(`${folder}/plan.drawio`)).toString()).toBe(changed);

  await app(page).getByRole("button", { name: "Exit editor" }).click();
  await expect(dialog(page)).toHaveCount(0);

  await page.getByRole("button", { name: "board.excalidraw", exact: true }).dblclick();
  await expect(app(page).getByRole("heading")).toHaveText("loaded board.excalidraw");
  await expect(dialog(page).getByTestId("preview-app")).toHaveAttribute(
    "src",
    new RegExp(`^${origin}/excalidraw/\\?`),
  );
});
