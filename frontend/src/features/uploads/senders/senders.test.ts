import { describe, expect, it } from "vitest";
import { ApiError } from "../../../api/client";
import { completeXml, completionError, partEtag } from "./multipart";
import { targetOf } from "./target";

describe("partEtag", () => {
  it("keeps quoted ETags and quotes bare ones", () => {
    expect(partEtag('"9b2cf535f27731c974343645a3985328"')).toBe(
      '"9b2cf535f27731c974343645a3985328"',
    );
    expect(partEtag(" 9b2cf535 ")).toBe('"9b2cf535"');
    expect(partEtag('W/"abc"')).toBe('W/"abc"');
  });
  it("has none for a missing header (a bucket whose CORS hides it)", () => {
    expect(partEtag(null)).toBeNull();
    expect(partEtag("  ")).toBeNull();
  });
});

describe("completeXml", () => {
  it("numbers parts from 1 in chunk order and escapes the ETags", () => {
    expect(completeXml(['"a"', '"b&c"'], 2)).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<CompleteMultipartUpload>' +
        "<Part><PartNumber>1</PartNumber><ETag>&quot;a&quot;</ETag></Part>" +
        "<Part><PartNumber>2</PartNumber><ETag>&quot;b&amp;c&quot;</ETag></Part>" +
        "</CompleteMultipartUpload>",
    );
  });
  it("refuses to complete with a part missing", () => {
    const etags: string[] = [];
    etags[0] = '"a"';
    etags[2] = '"c"';
    expect(() => completeXml(etags, 3)).toThrow("part 2 has no ETag");
    expect(() => completeXml(['"a"'], 2)).toThrow("part 2 has no ETag");
  });
});

describe("completionError", () => {
  it("reads failures, also those answered with 200", () => {
    expect(completionError(200, "<CompleteMultipartUploadResult/>")).toBeNull();
    expect(completionError(200, "<Error><Code>InternalError</Code></Error>")).toBe("InternalError");
    expect(completionError(400, "<Error><Code>InvalidPart</Code></Error>")).toBe("InvalidPart");
    expect(completionError(502, "")).toBe("HTTP 502");
  });
});

describe("targetOf", () => {
  const s3 = { type: "s3", relay: false };
  it("sends local and relay policies through Stratus", () => {
    expect(targetOf({ storage_policy: { type: "local" } }, 1)).toEqual({ kind: "relay" });
    expect(targetOf({ storage_policy: { type: "s3", relay: true } }, 1)).toEqual({
      kind: "relay",
    });
  });
  it("sends remote policies to the node with the session's credential", () => {
    const target = targetOf(
      {
        storage_policy: { type: "remote" },
        upload_urls: ["http://node/api/v4/slave/upload/s1"],
        credential: "Bearer Cr sig",
      },
      4,
    );
    expect(target).toEqual({
      kind: "remote",
      url: "http://node/api/v4/slave/upload/s1",
      credential: "Bearer Cr sig",
    });
  });
  it("sends bucket policies part by part, and needs a URL per chunk", () => {
    const session = {
      storage_policy: s3,
      upload_urls: ["u1", "u2"],
      completeURL: "c",
      callback_secret: "k",
    };
    expect(targetOf(session, 2)).toEqual({
      kind: "s3",
      urls: ["u1", "u2"],
      completeUrl: "c",
      secret: "k",
      etags: [],
    });
    expect(() => targetOf(session, 3)).toThrow(ApiError);
    expect(() => targetOf({ storage_policy: { type: "cos" } }, 1)).toThrow(/not supported/);
  });
});
