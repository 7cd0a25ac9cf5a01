// A web UI built elsewhere and served with STRATUS_FRONTEND_DIR (the official Cloudreve client
// is one) loads its stylesheets without blocking the first paint: `media="print"` switched by
// `onload="this.media='all'"`, or loadCSS's preload switched to a stylesheet. The page's policy
// runs no inline handler, so the server sends such links already switched: the styles apply
// and the browser reports no violation.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { freePort, stratusBinary, waitHealthy } from "./global-setup";
import { snap } from "./helpers";

const INDEX = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>{siteName}</title>
    <link rel="stylesheet" href="/assets/print-swap.css" media="print" onload="this.media='all'" />
    <link rel="preload" as="style" href="/assets/preload.css" onload="this.onload=null;this.rel='stylesheet'" />
    <noscript><link rel="stylesheet" href="/assets/print-swap.css" /></noscript>
    <script defer src="/assets/app.js"></script>
  </head>
  <body>
    <div id="swapped">Styled by a print stylesheet switched on load</div>
    <div id="preloaded">Styled by a preloaded stylesheet</div>
  </body>
</html>
`;

let dir = "";
let server: ChildProcess | undefined;
let base = "";

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "stratus-e2e-ui-"));
  const ui = join(dir, "ui");
  mkdirSync(join(ui, "assets"), { recursive: true });
  writeFileSync(join(ui, "index.html"), INDEX);
  writeFileSync(
    join(ui, "assets", "print-swap.css"),
    "#swapped { color: rgb(200, 30, 40); font-size: 40px; border: 4px solid rgb(200, 30, 40); }\n",
  );
  writeFileSync(
    join(ui, "assets", "preload.css"),
    "#preloaded { background: rgb(20, 120, 60); color: rgb(255, 255, 255); padding: 16px; }\n",
  );
  writeFileSync(join(ui, "assets", "app.js"), "document.body.dataset.ran = 'yes';\n");
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(stratusBinary(), ["serve", "--listen", `127.0.0.1:${port}`], {
    env: {
      ...process.env,
      STRATUS_DATA_DIR: join(dir, "data"),
      STRATUS_FRONTEND_DIR: ui,
      RUST_LOG: "warn",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  await waitHealthy(base, server);
});

test.afterAll(async () => {
  const running = server;
  if (running && running.exitCode === null) {
    running.kill("SIGTERM");
    await new Promise((r) => (running.exitCode !== null ? r(null) : running.once("exit", r)));
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("stylesheets switched on load apply under the page's policy", async ({ page }, info) => {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener("securitypolicyviolation", (e) => {
      seen.push(`${e.effectiveDirective} ${e.blockedURI} ${e.sample}`);
    });
  });
  const answer = await page.goto(`${base}/home`);
  const policy = answer?.headers()["content-security-policy"] ?? "";
  expect(policy).toContain("script-src 'self' 'nonce-");
  expect(policy).not.toContain("unsafe-hashes");

  // The page's own script runs (it carries the nonce), and both stylesheets apply.
  await expect(page.locator("body")).toHaveAttribute("data-ran", "yes");
  const style = (selector: string, property: string) =>
    page.evaluate(
      ([s, p]) => getComputedStyle(document.querySelector(s) as Element).getPropertyValue(p),
      [selector, property] as const,
    );
  await expect.poll(() => style("#swapped", "color")).toBe("rgb(200, 30, 40)");
  expect(await style("#swapped", "font-size")).toBe("40px");
  await expect.poll(() => style("#preloaded", "background-color")).toBe("rgb(20, 120, 60)");
  await snap(page, info, "custom-frontend-styles");

  // What was sent: no inline handler left, the links already switched.
  const html = await (await page.request.get(`${base}/`)).text();
  expect(html).not.toContain("onload");
  expect(html).not.toContain('media="print"');
  expect(html).toContain('rel="stylesheet"');

  const violations = await page.evaluate(
    () => (window as unknown as { cspViolations: string[] }).cspViolations,
  );
  expect(violations).toEqual([]);
});
