// Chunks straight to an S3 or OSS bucket: each chunk is PUT to its presigned UploadPart URL and
// the part's ETag kept (in the target, saved with the session, so a resumed upload can still
// complete); then the CompleteMultipartUpload document is POSTed to the presigned `completeURL`,
// and Stratus is told with `GET /callback/<kind>/<session>/<secret>`, which checks the object
// and publishes the file. An OSS bucket may have called that callback itself already: the
// session is then gone (40011), which here means done.
import { ApiError } from "../../../api/client";
import { uploadCallback } from "../../../api/files/uploads";
import { completeXml, completionError, partEtag } from "./multipart";
import type { BucketTarget, Sender } from "./target";
import { sendXhr } from "./xhr";

/** A session the server no longer knows. */
const SESSION_GONE = 40011;

export function bucketSender(
  sessionId: string,
  target: BucketTarget,
  parts: number,
  persist: () => void,
): Sender {
  return {
    async chunk(index, blob, hooks) {
      const url = target.urls[index];
      if (!url) throw new ApiError(40012, `no upload URL for part ${index + 1}`);
      const xhr = await sendXhr({ method: "PUT", url, body: blob }, hooks);
      if (xhr.status < 200 || xhr.status >= 300) {
        const failed = completionError(xhr.status, xhr.responseText);
        throw new ApiError(xhr.status, `part ${index + 1}: ${failed}`);
      }
      const etag = partEtag(xhr.getResponseHeader("ETag"));
      if (!etag) {
        // The bucket's CORS rules must expose ETag (the admin console's CORS button sets them).
        throw new ApiError(40006, "the bucket did not show the part's ETag (check its CORS rules)");
      }
      target.etags[index] = etag;
    },
    async finish() {
      const callback = () => uploadCallback(target.kind, sessionId, target.secret);
      if (!target.completed) {
        const xhr = await sendXhr({
          method: "POST",
          url: target.completeUrl,
          headers: { "Content-Type": "application/xml" },
          body: completeXml(target.etags, parts),
        });
        const failed = completionError(xhr.status, xhr.responseText);
        if (failed) {
          // A completion whose answer was lost is not found again (the bucket forgot the
          // upload): the callback, which checks the object's size, tells whether it is there.
          if (
            await callback().then(
              () => true,
              () => false,
            )
          )
            return;
          // A 200 carrying <Error> is a failure the bucket may not repeat: worth another try.
          throw new ApiError(xhr.status >= 300 ? xhr.status : 500, `completion: ${failed}`);
        }
        target.completed = true;
        persist();
      }
      try {
        await callback();
      } catch (e) {
        const finishedByBucket =
          target.kind === "oss" && e instanceof ApiError && e.code === SESSION_GONE;
        if (!finishedByBucket) throw e;
      }
    },
  };
}
