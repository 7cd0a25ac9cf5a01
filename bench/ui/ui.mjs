// The web UI's cost as a browser sees it: the explorer's first load (JS and CSS bytes on the wire),
// the time until its first listing row is painted, and scrolling a large folder to its end (cursor
// pages fetched, frames dropped). Starts the real binary on loopback with a temp data dir, drives
// Debian's chromium with playwright-core (from frontend/node_modules), prints one table, and removes
// everything it made.
//
//   node bench/ui/ui.mjs        (STRATUS_BIN, STRATUS_FRONTEND_DIR, UI_BENCH_ENTRIES=10000, CHROMIUM_PATH,
//                                UI_BENCH_LOADS=5 cold loads, UI_BENCH_DETAIL=1 lists every file and
//                                request of the first load, UI_BENCH_SCROLL=0 skips the scroll,
//                                UI_BENCH_PACE=3000 px/s and UI_BENCH_PACE_SECONDS=6 for the
//                                scroll at a person's pace, UI_BENCH_SCROLL_PROFILE=file.cpuprofile
//                                profiles it, UI_BENCH_LOADS=0 skips the first loads)
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const here = import.meta.dirname;
const require = createRequire(join(here, "../../frontend/package.json"));
const { chromium } = require("playwright-core");

const BIN = process.env.STRATUS_BIN ?? "/work/bin/stratus";
const ENTRIES = Number(process.env.UI_BENCH_ENTRIES ?? 10_000);
const DEADLINE = Date.now() + Number(process.env.UI_BENCH_MINUTES ?? 30) * 60_000;
const USER = { email: "bench@example.com", password: "bench-password-1" };
const FOLDER = "Big";
const name = (i) => `f${String(i).padStart(5, "0")}.txt`;
const LOADS = Number(process.env.UI_BENCH_LOADS ?? 5);
const DETAIL = !!process.env.UI_BENCH_DETAIL;
const SCROLL = process.env.UI_BENCH_SCROLL !== "0";
/** Where to write a CPU profile of the first load (.cpuprofile, for chromium's DevTools). */
const PROFILE = process.env.UI_BENCH_PROFILE;
/** The paced scroll: pixels a second, for how long, and where to write its CPU profile. */
const PACE = Number(process.env.UI_BENCH_PACE ?? 3000);
const PACE_SECONDS = Number(process.env.UI_BENCH_PACE_SECONDS ?? 6);
const SCROLL_PROFILE = process.env.UI_BENCH_SCROLL_PROFILE;
/** Where to write a Chrome trace of the paced scroll (summed by event on the page's thread). */
const SCROLL_TRACE = process.env.UI_BENCH_SCROLL_TRACE;

function left(what) {
  if (Date.now() > DEADLINE) throw new Error(`out of time during ${what}`);
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const dataDir = mkdtempSync(join(tmpdir(), "stratus-bench-ui-"));
let server;
let browser;
async function cleanup() {
  await browser?.close().catch(() => {});
  if (server && server.exitCode === null) {
    server.kill("SIGTERM");
    await new Promise((r) => (server.exitCode !== null ? r() : server.once("exit", r)));
  }
  rmSync(dataDir, { recursive: true, force: true });
}
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => cleanup().finally(() => process.exit(130)));
}

/** Prints where a CPU profile's samples fell: self time by function and by script. */
function summarize(profile) {
  const self = new Map();
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const byFn = new Map();
  const byUrl = new Map();
  for (const node of profile.nodes) {
    const us = self.get(node.id) ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/^https?:\/\/[^/]+/, "") || "(native)";
    const fn = `${functionName || "(anonymous)"} ${file}:${lineNumber + 1}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + us);
    byUrl.set(file, (byUrl.get(file) ?? 0) + us);
  }
  const top = (m, n) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => `  ${(us / 1000).toFixed(1).padStart(8)} ms ${k}`)
      .join("\n");
  console.log(`CPU self time by script:\n${top(byUrl, 8)}\nby function:\n${top(byFn, 25)}`);
}

/** Prints the time of the busiest thread's complete events by name (self time, nesting aside). */
function summarizeTrace(trace) {
  const events = (trace.traceEvents ?? trace).filter((e) => e.ph === "X" && e.dur);
  const byThread = new Map();
  for (const e of events) byThread.set(e.tid, (byThread.get(e.tid) ?? 0) + e.dur);
  const main = [...byThread].sort((a, b) => b[1] - a[1])[0]?.[0];
  const own = events.filter((e) => e.tid === main).sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const self = new Map();
  const stack = [];
  for (const e of own) {
    while (stack.length && stack.at(-1).ts + stack.at(-1).dur <= e.ts) stack.pop();
    const parent = stack.at(-1);
    if (parent) self.set(parent.name, (self.get(parent.name) ?? 0) - e.dur);
    self.set(e.name, (self.get(e.name) ?? 0) + e.dur);
    stack.push(e);
  }
  const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 15);
  console.log("trace of the paced scroll, busiest thread, self time by event:");
  for (const [name, us] of top) console.log(`  ${(us / 1000).toFixed(1).padStart(8)} ms ${name}`);
}

/** One navigation to /home in a fresh context (cold cache) with the saved session. */
async function firstLoad(browser, base, storageState, probe) {
  const context = await browser.newContext({ baseURL: base, storageState });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  const requests = new Map();
  const bytes = { Script: 0, Stylesheet: 0 };
  const encodings = new Set();
  const files = [];
  let origin;
  cdp.on("Network.requestWillBeSent", (e) => {
    origin ??= e.timestamp;
    requests.set(e.requestId, { url: e.request.url.replace(base, ""), sent: e.timestamp });
  });
  cdp.on("Network.responseReceived", (e) => {
    const r = requests.get(e.requestId);
    if (r) r.kind = e.type;
    const enc = e.response.headers["content-encoding"] ?? e.response.headers["Content-Encoding"];
    if (e.type === "Script" || e.type === "Stylesheet") encodings.add(enc ?? "identity");
  });
  cdp.on("Network.loadingFinished", (e) => {
    const r = requests.get(e.requestId);
    if (!r) return;
    r.done = e.timestamp;
    if (r.kind in bytes) {
      bytes[r.kind] += e.encodedDataLength;
      files.push([r.url, e.encodedDataLength]);
    }
  });
  await page.addInitScript(probe);
  if (PROFILE) {
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
    await cdp.send("Profiler.start");
  }
  await page.goto("/home");
  await page.waitForFunction(() => window.__firstRow !== undefined, null, { timeout: 60_000 });
  if (PROFILE) {
    const { profile } = await cdp.send("Profiler.stop");
    writeFileSync(PROFILE, JSON.stringify(profile));
    summarize(profile);
  }
  await page.waitForLoadState("networkidle");
  const firstRowMs = await page.evaluate(() => window.__firstRow);
  await context.close();
  const ms = (t) => (t === undefined ? Number.NaN : (t - origin) * 1000);
  const timeline = [...requests.values()]
    .map((r) => ({ url: r.url, sent: ms(r.sent), done: ms(r.done) }))
    .sort((a, b) => a.sent - b.sent);
  return { bytes, encodings, files, timeline, firstRowMs };
}

/** Scrolls the large folder to its end, a viewport at a time each frame; counts late frames. */
async function scrollToEnd(browser, base, storageState) {
  const scrollContext = await browser.newContext({ baseURL: base, storageState });
  const scrollPage = await scrollContext.newPage();
  let pages = 0;
  scrollPage.on("request", (r) => {
    if (/\/api\/v4\/file\?/.test(r.url()) && r.url().includes(FOLDER)) pages++;
  });
  await scrollPage.goto(`/home?path=${encodeURIComponent(`cloudreve://my/${FOLDER}`)}`);
  const grid = scrollPage.getByRole("grid", { name: "Files" });
  await grid.locator('[role="row"][aria-rowindex]').first().waitFor();
  const last = grid.getByRole("row", { name: new RegExp(name(ENTRIES - 1)) });
  const paced = await pacedScroll(scrollContext, scrollPage);
  const scroll = await scrollPage.evaluate(
    async ({ lastName, limitMs }) => {
      const el = document.querySelector('[role="grid"]');
      const gaps = [];
      let previous = performance.now();
      let done = false;
      const frame = (now) => {
        gaps.push(now - previous);
        previous = now;
        if (!done) requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
      const start = performance.now();
      while (performance.now() - start < limitMs) {
        el.scrollTop = el.scrollHeight;
        await new Promise((r) => requestAnimationFrame(r));
        if ([...el.querySelectorAll('[role="row"]')].some((r) => r.textContent.includes(lastName)))
          break;
      }
      const ms = performance.now() - start;
      done = true;
      // A frame is "dropped" for each 16.7 ms interval a gap skipped beyond the first.
      const interval = 1000 / 60;
      const dropped = gaps.reduce((n, g) => n + Math.max(0, Math.round(g / interval) - 1), 0);
      return { ms, frames: gaps.length, dropped, longest: Math.max(...gaps) };
    },
    { lastName: name(ENTRIES - 1), limitMs: Math.max(1000, DEADLINE - Date.now() - 10_000) },
  );
  const reachedEnd = await last.isVisible();
  await scrollContext.close();
  return { pages, scroll, reachedEnd, paced };
}

/**
 * Scrolls the grid down at a person's pace (PACE px/s, a step each animation frame) for
 * PACE_SECONDS and counts the late frames: an animation frame that came more than 1.5 × 16.7 ms
 * after the one before (requestAnimationFrame), and the long animation frames (over 50 ms) the
 * browser reports. The cursor pages fetched on the way are part of what is measured.
 */
async function pacedScroll(context, page) {
  const cdp = SCROLL_PROFILE ? await context.newCDPSession(page) : undefined;
  if (cdp) {
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
    await cdp.send("Profiler.start");
  }
  if (SCROLL_TRACE) {
    await context.browser().startTracing(page, {
      path: SCROLL_TRACE,
      categories: ["devtools.timeline", "blink", "disabled-by-default-devtools.timeline"],
    });
  }
  const result = await page.evaluate(
    async ({ pace, seconds }) => {
      const el = document.querySelector('[role="grid"]');
      const long = [];
      const observer = new PerformanceObserver((list) => long.push(...list.getEntries()));
      try {
        observer.observe({ type: "long-animation-frame" });
      } catch {}
      const isLate = (g) => g > 1.5 * (1000 / 60);
      // The same time without scrolling first: what the machine's load alone makes late.
      const idle = [];
      await new Promise((resolve) => {
        let before = performance.now();
        const until = before + seconds * 1000;
        const frame = (now) => {
          idle.push(now - before);
          before = now;
          if (now < until) requestAnimationFrame(frame);
          else resolve();
        };
        requestAnimationFrame(frame);
      });
      // Two frames to settle, then one step a frame, as far as the time since the start says.
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const gaps = [];
      const start = performance.now();
      let previous = start;
      await new Promise((resolve) => {
        const frame = (now) => {
          gaps.push(now - previous);
          previous = now;
          el.scrollTop = ((now - start) / 1000) * pace;
          if (now - start < seconds * 1000) requestAnimationFrame(frame);
          else resolve();
        };
        requestAnimationFrame(frame);
      });
      observer.disconnect();
      const late = gaps.filter(isLate).length;
      const rows = Math.floor(el.scrollTop / 52);
      return {
        late,
        frames: gaps.length,
        longest: Math.max(...gaps),
        rows,
        loaf: long.length,
        loafBlocking: long.reduce((n, e) => n + (e.blockingDuration ?? 0), 0),
        idleLate: idle.filter(isLate).length,
        idleFrames: idle.length,
      };
    },
    { pace: PACE, seconds: PACE_SECONDS },
  );
  if (cdp) {
    const { profile } = await cdp.send("Profiler.stop");
    writeFileSync(SCROLL_PROFILE, JSON.stringify(profile));
    summarize(profile);
  }
  if (SCROLL_TRACE) summarizeTrace(JSON.parse(await context.browser().stopTracing()));
  return result;
}

/**
 * The web UIs compared (UI_BENCH_FRONTENDS: built `dist` folders, comma-separated; the
 * binary's own when unset), measured in turn, UI_BENCH_ROUNDS times, against one data dir.
 */
const FRONTENDS = (process.env.UI_BENCH_FRONTENDS ?? "").split(",").filter(Boolean);
const ROUNDS = Number(process.env.UI_BENCH_ROUNDS ?? 1);

async function startServer(port, frontendDir) {
  const env = { ...process.env, STRATUS_DATA_DIR: dataDir, RUST_LOG: "warn" };
  if (frontendDir) env.STRATUS_FRONTEND_DIR = frontendDir;
  server = spawn(BIN, ["serve", "--listen", `127.0.0.1:${port}`], {
    env,
    stdio: ["ignore", "ignore", "inherit"],
  });
  for (;;) {
    left("start");
    if (server.exitCode !== null) throw new Error(`stratus exited with ${server.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stopServer() {
  if (server && server.exitCode === null) {
    server.kill("SIGTERM");
    await new Promise((r) => (server.exitCode !== null ? r() : server.once("exit", r)));
  }
}

async function main() {
  const env = { ...process.env, STRATUS_DATA_DIR: dataDir, RUST_LOG: "warn" };
  execFileSync(BIN, ["create-user", "--email", USER.email, "--password", USER.password], {
    env,
    stdio: ["ignore", "ignore", "inherit"],
  });
  // One port for every server of the run: the saved session is the origin's.
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  await startServer(port, FRONTENDS[0]);

  // The large folder, made through the API a bounded number of requests at a time.
  const login = await (
    await fetch(`${base}/api/v4/session/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(USER),
    })
  ).json();
  const auth = { authorization: `Bearer ${login.data.token.access_token}` };
  const create = async (path, type) => {
    const answer = await (
      await fetch(`${base}/api/v4/file/create`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ uri: `cloudreve://my/${path}`, type }),
      })
    ).json();
    if (answer.code !== 0) throw new Error(`create ${path}: ${answer.msg}`);
  };
  await create(FOLDER, "folder");
  const seedStart = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < ENTRIES) {
        left("seeding");
        const i = next++;
        await create(`${FOLDER}/${name(i)}`, "file");
      }
    }),
  );
  const seedSeconds = (Date.now() - seedStart) / 1000;

  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  });
  // Sign in once; the measured pages start from a cold cache with that session.
  const signInContext = await browser.newContext({ baseURL: base });
  const signInPage = await signInContext.newPage();
  await signInPage.goto("/session");
  await signInPage.getByLabel("E-mail").fill(USER.email);
  await signInPage.getByRole("textbox", { name: "Password", exact: true }).fill(USER.password);
  await signInPage.getByRole("button", { name: "Sign in" }).click();
  await signInPage.waitForURL(/\/home/);
  const storageState = await signInContext.storageState();
  await signInContext.close();

  // When the first row of the listing is in the page, one frame later (it has been painted).
  const firstRowProbe = () => {
    const observer = new MutationObserver(() => {
      if (document.querySelector('[role="grid"] [role="row"][aria-rowindex]')) {
        observer.disconnect();
        requestAnimationFrame(() => {
          window.__firstRow = performance.now();
        });
      }
    });
    observer.observe(document, { childList: true, subtree: true });
  };

  const variants = FRONTENDS.length ? FRONTENDS : [undefined];
  for (let round = 0; round < ROUNDS; round++) {
    for (const frontend of variants) {
      if (round > 0 || frontend !== variants[0]) {
        await stopServer();
        await startServer(port, frontend);
      }
      console.log(`\n${frontend ?? "embedded web UI"}, round ${round + 1} of ${ROUNDS}:`);
      await measure(base, storageState, firstRowProbe, seedSeconds);
    }
  }
}

async function measure(base, storageState, firstRowProbe, seedSeconds) {
  // 1. First load of /home, LOADS times from a cold cache: JS and CSS as transferred (the same
  // every time), and the first row painted (the median is reported, as the machine is shared).
  const loads = [];
  for (let i = 0; i < LOADS; i++)
    loads.push(await firstLoad(browser, base, storageState, firstRowProbe));
  const { bytes, encodings, files, timeline } = loads[0] ?? {};
  const paints = loads.map((l) => l.firstRowMs).sort((a, b) => a - b);
  const firstRowMs = paints[Math.floor(paints.length / 2)];
  if (DETAIL && LOADS) {
    console.log("files of the first load (bytes on the wire, headers included):");
    for (const [url, n] of files.sort((a, b) => b[1] - a[1]))
      console.log(`  ${String(n).padStart(7)} ${url}`);
    console.log("requests of the first load (ms after navigation: sent, answered):");
    for (const t of timeline)
      console.log(`  ${t.sent.toFixed(0).padStart(5)} ${t.done.toFixed(0).padStart(5)} ${t.url}`);
    console.log(
      `first row painted, each load: ${loads.map((l) => l.firstRowMs.toFixed(0)).join(", ")} ms`,
    );
  }

  const scrolled = SCROLL ? await scrollToEnd(browser, base, storageState) : null;

  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  const rows = [];
  if (LOADS)
    rows.push(
      [
        "explorer first load, JS + CSS transferred",
        kb(bytes.Script + bytes.Stylesheet),
        `goal 250 KB`,
        ((bytes.Script + bytes.Stylesheet) / 1024 / 250).toFixed(2),
      ],
      [
        "  of which JS / CSS",
        `${kb(bytes.Script)} / ${kb(bytes.Stylesheet)}`,
        `encodings: ${[...encodings].join(", ")}`,
        "",
      ],
      [
        `first listing row painted after navigation, median of ${LOADS}`,
        `${firstRowMs.toFixed(0)} ms (${paints[0].toFixed(0)}–${paints.at(-1).toFixed(0)})`,
        "goal 1000 ms",
        (firstRowMs / 1000).toFixed(2),
      ],
      [
        "  of which JS / CSS files",
        `${files.filter(([u]) => /\.js$/.test(u)).length} / ${files.filter(([u]) => /\.css$/.test(u)).length}`,
        "",
        "",
      ],
    );
  if (scrolled) {
    const { scroll, pages, reachedEnd, paced } = scrolled;
    rows.push(
      [
        `scroll at ${PACE} px/s for ${PACE_SECONDS} s (${paced.rows} rows), late frames / frames`,
        `${paced.late} / ${paced.frames} (${((100 * paced.late) / paced.frames).toFixed(1)} %)`,
        `goal ≤ 1 %; idle page: ${paced.idleLate} / ${paced.idleFrames}`,
        "",
      ],
      [
        "  longest frame; long animation frames (> 50 ms), their blocking time",
        `${paced.longest.toFixed(0)} ms; ${paced.loaf}, ${paced.loafBlocking.toFixed(0)} ms`,
        "",
        "",
      ],
      [
        `scroll ${ENTRIES} entries to the end`,
        `${(scroll.ms / 1000).toFixed(1)} s, end ${reachedEnd ? "reached" : "NOT reached"}`,
        "",
        "",
      ],
      ["  cursor pages fetched", String(pages), `expected ${Math.ceil(ENTRIES / 100)}`, ""],
      [
        "  frames dropped / frames",
        `${scroll.dropped} / ${scroll.frames}`,
        `longest gap ${scroll.longest.toFixed(0)} ms`,
        "",
      ],
    );
  }
  console.log(
    `seeded ${ENTRIES} empty files in ${seedSeconds.toFixed(1)} s; chromium ${browser.version()}, headless`,
  );
  console.log("| what | Stratus | reference | ratio |\n|---|---|---|---|");
  for (const r of rows) console.log(`| ${r.join(" | ")} |`);
}

main().then(cleanup, async (e) => {
  await cleanup();
  console.error(e);
  process.exit(1);
});
