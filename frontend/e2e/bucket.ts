// An S3 bucket for the specs of `s3` policies: s3s-fs (`cargo install s3s-fs --features
// binary`, looked for in $STRATUS_TOOLS_DIR/bin, then ~/.cache/stratus-tools/bin, then on PATH)
// serving a temporary folder on a free loopback port. `stop` ends it and removes the folder.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { homedir, tmpdir } from "node:os";
import { join, relative } from "node:path";
import { freePort } from "./global-setup";

export const BUCKET = "stratus-e2e";
export const ACCESS_KEY = "stratus-e2e-ak";
export const SECRET_KEY = "stratus-e2e-secret-key-0123456789";

/** The s3s-fs executable: where the test command installed it, else the one on PATH. */
export function s3sFsBinary(): string {
  const dirs = [process.env.STRATUS_TOOLS_DIR, join(homedir(), ".cache/stratus-tools")];
  for (const dir of dirs) {
    if (dir && existsSync(join(dir, "bin/s3s-fs"))) return join(dir, "bin/s3s-fs");
  }
  return "s3s-fs";
}

async function waitListening(port: number, child: ChildProcess) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`s3s-fs exited with ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.end();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("s3s-fs did not listen within 20 s");
}

export type Bucket = Awaited<ReturnType<typeof startBucket>>;

export async function startBucket() {
  const root = mkdtempSync(join(tmpdir(), "stratus-e2e-s3-"));
  const bucketDir = join(root, BUCKET);
  mkdirSync(bucketDir);
  const port = await freePort();
  const child = spawn(
    s3sFsBinary(),
    [
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--access-key",
      ACCESS_KEY,
      "--secret-key",
      SECRET_KEY,
      root,
    ],
    { stdio: "ignore" },
  );
  await waitListening(port, child);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    /** Every file in the bucket's folder (s3s-fs keeps pending parts elsewhere). */
    files(): string[] {
      const out: string[] = [];
      const walk = (dir: string) => {
        for (const entry of readdirSync(dir, { withFileTypes: true })) {
          const path = join(dir, entry.name);
          if (entry.isDirectory()) walk(path);
          else out.push(relative(bucketDir, path));
        }
      };
      walk(bucketDir);
      return out.sort();
    },
    bucketDir,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await new Promise((r) => (child.exitCode !== null ? r(null) : child.once("exit", r)));
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}
