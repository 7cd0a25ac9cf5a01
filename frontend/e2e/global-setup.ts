// Starts the `stratus` binary for the suite: a temporary data dir, accounts made with the CLI,
// listening on a free loopback port. The teardown stops it and removes the data dir.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

export default async function globalSetup() {
  const binary = stratusBinary();
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
  process.env.STRATUS_E2E_BASE = base;

  return async () => {
    server.kill("SIGTERM");
    await new Promise((r) => (server.exitCode !== null ? r(null) : server.once("exit", r)));
    rmSync(dataDir, { recursive: true, force: true });
  };
}
