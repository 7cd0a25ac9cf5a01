// Starts the `stratus` binary for the suite, once per worker: a temporary data dir, accounts made
// with the CLI, listening on a free loopback port. The teardown stops them and removes the data
// dirs.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FullConfig } from "@playwright/test";
import { ACCOUNTS } from "./accounts";

export function stratusBinary(): string {
  if (process.env.STRATUS_BIN) return process.env.STRATUS_BIN;
  const target = process.env.CARGO_TARGET_DIR ?? join(import.meta.dirname, "../../target");
  return join(target, "debug", "stratus");
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

export async function waitHealthy(base: string, server: ChildProcess) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`stratus exited with ${server.exitCode}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`stratus did not answer on ${base} within 30 s`);
}

/** One server on a fresh data dir, with the suite's accounts made by the CLI. */
async function startServer(binary: string) {
  const dataDir = mkdtempSync(join(tmpdir(), "stratus-e2e-"));
  // The S3 endpoint on a free port too, so the settings show its address.
  const env = {
    ...process.env,
    STRATUS_DATA_DIR: dataDir,
    RUST_LOG: "warn",
    STRATUS_S3_LISTEN: "127.0.0.1:0",
  };
  for (const account of Object.values(ACCOUNTS)) {
    const command = account.admin ? "create-admin" : "create-user";
    execFileSync(binary, [command, "--email", account.email, "--password", account.password], {
      env,
      stdio: ["ignore", "ignore", "inherit"],
    });
  }
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(binary, ["serve", "--listen", `127.0.0.1:${port}`], {
    env,
    stdio: ["ignore", "ignore", "inherit"],
  });
  await waitHealthy(base, server);
  const stop = async () => {
    server.kill("SIGTERM");
    await new Promise((r) => (server.exitCode !== null ? r(null) : server.once("exit", r)));
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { base, stop };
}

/**
 * A server per worker: the specs change site settings and groups, so workers that shared one
 * would see each other's changes. Worker N finds its server in STRATUS_E2E_BASE_N, which the
 * config turns into STRATUS_E2E_BASE in that worker.
 */
export default async function globalSetup(config: FullConfig) {
  const binary = stratusBinary();
  const servers = await Promise.all(
    Array.from({ length: Math.max(1, config.workers) }, () => startServer(binary)),
  );
  servers.forEach(({ base }, i) => {
    process.env[`STRATUS_E2E_BASE_${i}`] = base;
  });
  process.env.STRATUS_E2E_BASE = servers[0]?.base ?? "";

  return async () => {
    await Promise.all(servers.map(({ stop }) => stop()));
  };
}
