// A slave node for the specs of `remote` policies: the same `stratus` binary in slave mode
// (`serve --mode slave`) on a free loopback port, with its own data dir and a random 64-character
// node secret (the shortest a slave accepts). `stop` ends it and removes its data dir.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { freePort, stratusBinary, waitHealthy } from "./global-setup";

export type Slave = Awaited<ReturnType<typeof startSlave>>;

export async function startSlave() {
  const dataDir = mkdtempSync(join(tmpdir(), "stratus-e2e-slave-"));
  const secret = randomBytes(32).toString("hex");
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const node = spawn(
    stratusBinary(),
    ["serve", "--mode", "slave", "--listen", `127.0.0.1:${port}`],
    {
      env: {
        ...process.env,
        STRATUS_DATA_DIR: dataDir,
        STRATUS_SLAVE_SECRET: secret,
        RUST_LOG: "warn",
      },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  await waitHealthy(base, node);
  const uploads = join(dataDir, "uploads");
  return {
    base,
    secret,
    uploads,
    /** Every file below the node's blob folder, relative to it. */
    files(): string[] {
      const out: string[] = [];
      const walk = (dir: string) => {
        let entries: import("node:fs").Dirent[] = [];
        try {
          entries = readdirSync(dir, { withFileTypes: true });
        } catch {
          return;
        }
        for (const entry of entries) {
          const path = join(dir, entry.name);
          if (entry.isDirectory()) walk(path);
          else out.push(relative(uploads, path));
        }
      };
      walk(uploads);
      return out.sort();
    },
    async stop() {
      if (node.exitCode === null) {
        node.kill("SIGTERM");
        await new Promise((r) => (node.exitCode !== null ? r(null) : node.once("exit", r)));
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
