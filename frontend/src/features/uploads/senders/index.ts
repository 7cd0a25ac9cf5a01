// The sender for a session's target: relay.ts (through Stratus), remote.ts (a slave node),
// s3.ts (an S3 or OSS bucket).
import { relaySender } from "./relay";
import { remoteSender } from "./remote";
import { bucketSender } from "./s3";
import type { Sender, Target } from "./target";

export type { Sender, Target } from "./target";
export { targetOf } from "./target";
export type { Hooks } from "./xhr";

export function senderFor(
  sessionId: string,
  target: Target,
  parts: number,
  persist: () => void,
): Sender {
  switch (target.kind) {
    case "relay":
      return relaySender(sessionId);
    case "remote":
      return remoteSender(target);
    case "s3":
    case "oss":
      return bucketSender(sessionId, target, parts, persist);
  }
}
