// The transfer panel's sums over every upload: the percent done, whether any runs, waits or
// failed, the speed and the bytes left.
import type { Upload } from "./manager";

export const RUNNING = new Set(["queued", "uploading"]);

export type TransferTotals = ReturnType<typeof transferTotals>;

/** Canceled and skipped uploads count for nothing; a done one for its whole size. */
export function transferTotals(uploads: Upload[]) {
  const counted = uploads.filter((u) => u.status !== "canceled" && u.status !== "skipped");
  const size = counted.reduce((sum, u) => sum + u.size, 0);
  const loaded = counted.reduce(
    (sum, u) => sum + (u.status === "done" ? u.size : Math.min(u.loaded, u.size)),
    0,
  );
  const total = size ? Math.floor((loaded / size) * 100) : 100;
  const active = uploads.some((u) => RUNNING.has(u.status));
  const paused = uploads.some((u) => u.status === "paused");
  const failed = uploads.some((u) => u.status === "error");
  const speed = uploads.reduce((sum, u) => sum + u.speed, 0);
  const remaining = counted
    .filter((u) => RUNNING.has(u.status))
    .reduce((sum, u) => sum + u.size - u.loaded, 0);
  return { total, active, paused, failed, speed, remaining };
}

/** "1:05", "2:03:10" (time left). */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${rest}` : `${m}:${rest}`;
}
