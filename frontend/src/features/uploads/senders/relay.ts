// Chunks through Stratus itself (local policies, and any policy with `relay`):
// `POST /file/upload/:session/:index` with the user's token; the last chunk completes the upload.
import { API_BASE } from "../../../api/client";
import { accessToken } from "../../../api/session";
import type { Sender } from "./target";
import { checkEnvelope, sendXhr } from "./xhr";

export function relaySender(sessionId: string): Sender {
  return {
    async chunk(index, blob, hooks) {
      const token = await accessToken();
      const headers: Record<string, string> = { "Content-Type": "application/octet-stream" };
      if (token) headers.Authorization = `Bearer ${token}`;
      const url = `${API_BASE}/file/upload/${encodeURIComponent(sessionId)}/${index}`;
      checkEnvelope(await sendXhr({ method: "POST", url, headers, body: blob }, hooks));
    },
    async finish() {},
  };
}
