// End-to-end tests: Debian's chromium (Playwright downloads no browser here) against the real
// `stratus` binary, started by e2e/global-setup.ts on a fresh data dir for each worker.
import { defineConfig } from "@playwright/test";

// A test spends most of its time waiting on the page, so two workers (each with its own server)
// keep two cores busy without crowding them.
const workers = Number(process.env.STRATUS_E2E_WORKERS ?? 2);

// The config is loaded again in each worker, with its index set: the worker's own server.
const own = process.env[`STRATUS_E2E_BASE_${process.env.TEST_PARALLEL_INDEX}`];
if (own) process.env.STRATUS_E2E_BASE = own;

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  globalSetup: "./e2e/global-setup.ts",
  fullyParallel: false,
  workers,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"]] : [["list"]],
  use: {
    baseURL: process.env.STRATUS_E2E_BASE,
    reducedMotion: "reduce",
    locale: "en-US",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" },
  },
});
