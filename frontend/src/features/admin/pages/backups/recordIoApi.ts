// A record's download and restore. Download is a streamed zip (a folder or users record) or
// tar (an instance record) behind the Authorization header, so it is fetched and handed to the
// browser as a file. Restore queues a task that brings a folder or users record back where it
// was, or into the folder `dst`, never overwriting without keeping the replaced content.
import { API_BASE, ApiError } from "../../../../api/client";
import { accessToken } from "../../../../api/session";

async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const token = await accessToken();
  const headers = new Headers(init.headers);
  if (token) headers.set("Authorization", `Bearer ${token}`);
  const response = await fetch(`${API_BASE}${path}`, { ...init, headers });
  const type = response.headers.get("content-type") ?? "";
  // Refusals come as the JSON envelope (with code ≠ 0), sometimes with a 4xx status.
  if (type.includes("application/json")) {
    const envelope = (await response
      .clone()
      .json()
      .catch(() => null)) as {
      code?: number;
      msg?: string;
    } | null;
    if (envelope && typeof envelope.code === "number" && envelope.code !== 0) {
      throw new ApiError(envelope.code, envelope.msg ?? "");
    }
  }
  if (!response.ok)
    throw new ApiError(response.status, response.statusText || `HTTP ${response.status}`);
  return response;
}

/** The file name the server gives, or `fallback`. */
function fileName(response: Response, fallback: string): string {
  const disposition = response.headers.get("content-disposition") ?? "";
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star?.[1]) return decodeURIComponent(star[1]);
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain?.[1] ?? fallback;
}

export async function downloadRecord(id: number, fallback: string) {
  const response = await call(`/admin/backup/record/${id}/download`);
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName(response, fallback);
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Restores record `id` where it was, or into folder `dst` (a `cloudreve://` URI). */
export async function restoreRecord(id: number, dst?: string) {
  const body = dst ? { dst } : {};
  const response = await call(`/admin/backup/record/${id}/restore`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return response.json().catch(() => null) as Promise<unknown>;
}
