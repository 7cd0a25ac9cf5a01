// Chunks straight to a slave node (`remote` policies): `POST <upload_urls[0]>?chunk=<i>` with the
// session's `credential` as Authorization. The node answers an envelope, and after the last chunk
// it calls the master's callback itself, so there is nothing to finish here.
import type { RemoteTarget, Sender } from "./target";
import { checkEnvelope, sendXhr } from "./xhr";

export function remoteSender(target: RemoteTarget): Sender {
  return {
    async chunk(index, blob, hooks) {
      const url = `${target.url}${target.url.includes("?") ? "&" : "?"}chunk=${index}`;
      const headers = {
        Authorization: target.credential,
        "Content-Type": "application/octet-stream",
      };
      checkEnvelope(await sendXhr({ method: "POST", url, headers, body: blob }, hooks));
    },
    async finish() {},
  };
}
