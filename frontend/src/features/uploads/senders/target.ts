// Where an upload session's chunks go, read from the session the server answered
// (`PUT /file/upload`, spec §6.1–6.2), and the sender for each kind of target. A target is kept
// with the saved session (saved.ts), so that an upload resumed after a reload sends to the same
// place; an S3 target carries the ETags of the parts sent so far, needed to complete.
import { ApiError } from "../../../api/client";
import type { Hooks } from "./xhr";

export type RelayTarget = { kind: "relay" };
export type RemoteTarget = { kind: "remote"; url: string; credential: string };
export type BucketTarget = {
  kind: "s3" | "oss";
  /** One presigned UploadPart URL per chunk. */
  urls: string[];
  completeUrl: string;
  /** The session's callback secret, for `/callback/<kind>/<session>/<secret>`. */
  secret: string;
  /** ETags of the parts sent, by chunk index. */
  etags: string[];
  /** The multipart upload was completed at the bucket (only the callback is left). */
  completed?: boolean;
};
export type Target = RelayTarget | RemoteTarget | BucketTarget;

export type Sender = {
  /** Sends chunk `index`; throws ApiError (code 0 for a dropped connection). */
  chunk: (index: number, blob: Blob, hooks: Hooks) => Promise<void>;
  /** What is left once every chunk is sent. */
  finish: () => Promise<void>;
};

/** The session fields a target is read from. */
export type SessionAnswer = {
  upload_urls?: string[] | null;
  credential?: string | null;
  completeURL?: string | null;
  callback_secret?: string | null;
  storage_policy?: { type: string; relay?: boolean | null } | null;
};

/** The target of a new session; ApiError 40006 for a policy this page cannot send to. */
export function targetOf(session: SessionAnswer, chunks: number): Target {
  const policy = session.storage_policy;
  if (!policy || policy.type === "local" || policy.relay) return { kind: "relay" };
  const urls = session.upload_urls ?? [];
  if (policy.type === "remote" && urls[0] && session.credential) {
    return { kind: "remote", url: urls[0], credential: session.credential };
  }
  if (
    (policy.type === "s3" || policy.type === "oss") &&
    urls.length >= chunks &&
    session.completeURL &&
    session.callback_secret
  ) {
    return {
      kind: policy.type,
      urls,
      completeUrl: session.completeURL,
      secret: session.callback_secret,
      etags: [],
    };
  }
  throw new ApiError(40006, `storage policy type "${policy.type}" is not supported here yet`);
}
