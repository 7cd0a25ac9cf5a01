import { describe, expect, it } from "vitest";
import { ordered, SCOPES, scopeKey } from "../../components/oauth/scopes";
import { defaultMountName, isReauthorize, mountLink } from "./mount";
import {
  alreadyConsented,
  consentBody,
  parseAuthorize,
  registeredRedirect,
  returnAddress,
  safeWithoutList,
} from "./request";

const ORIGIN = "https://drive.example.com";

describe("parseAuthorize", () => {
  it("reads a PKCE request with a nonce and passes everything to consent", () => {
    const parsed = parseAuthorize({
      client_id: "abc",
      redirect_uri: "http://127.0.0.1:5555/cb",
      state: "s1",
      scope: "openid profile  offline_access",
      code_challenge: "ch",
      code_challenge_method: "S256",
      nonce: "n1",
    });
    if (!("request" in parsed)) throw new Error("refused");
    expect(consentBody(parsed.request)).toEqual({
      client_id: "abc",
      response_type: "code",
      redirect_uri: "http://127.0.0.1:5555/cb",
      scope: "openid profile offline_access",
      state: "s1",
      code_challenge: "ch",
      code_challenge_method: "S256",
      nonce: "n1",
    });
  });

  it("defaults the challenge method to S256 and sends no empty state or nonce", () => {
    const parsed = parseAuthorize({ client_id: "a", redirect_uri: "/cb", code_challenge: "c" });
    if (!("request" in parsed)) throw new Error("refused");
    const body = consentBody(parsed.request);
    expect(body.code_challenge_method).toBe("S256");
    expect(body).not.toHaveProperty("state");
    expect(body).not.toHaveProperty("nonce");
  });

  it("refuses what cannot be answered without redirecting", () => {
    expect(parseAuthorize({ redirect_uri: "/cb" })).toEqual({ problem: "noClient" });
    expect(parseAuthorize({ client_id: "a" })).toEqual({ problem: "noRedirect" });
    expect(parseAuthorize({ client_id: "a", redirect_uri: "javascript:alert(1)" })).toEqual({
      problem: "badRedirect",
    });
    expect(parseAuthorize({ client_id: "a", redirect_uri: "/cb", response_type: "token" })).toEqual(
      { problem: "badResponseType" },
    );
  });
});

describe("redirects", () => {
  it("matches registered URIs exactly, loopback on any port", () => {
    const registered = ["/callback/desktop", "http://127.0.0.1/callback", "https://a.test/cb"];
    expect(registeredRedirect("/callback/desktop", registered)).toBe(true);
    expect(registeredRedirect("http://127.0.0.1:49152/callback", registered)).toBe(true);
    expect(registeredRedirect("http://127.0.0.1:49152/other", registered)).toBe(false);
    expect(registeredRedirect("https://a.test/cb?x=1", registered)).toBe(false);
    expect(registeredRedirect("https://evil.test/cb", registered)).toBe(false);
  });

  it("sends a refusal without a list only to this site or a loopback listener", () => {
    expect(safeWithoutList("/callback/ios", ORIGIN)).toBe(true);
    expect(safeWithoutList("http://127.0.0.1:8000/cb", ORIGIN)).toBe(true);
    expect(safeWithoutList("https://evil.test/cb", ORIGIN)).toBe(false);
    expect(safeWithoutList("//evil.test/cb", ORIGIN)).toBe(false);
  });

  it("resolves a relative redirect against the site and keeps its own query", () => {
    expect(returnAddress("/callback/desktop", ORIGIN, { code: "c d", state: "" })).toBe(
      `${ORIGIN}/callback/desktop?code=c+d`,
    );
    expect(returnAddress("https://a.test/cb?x=1", ORIGIN, { code: "c", state: "s" })).toBe(
      "https://a.test/cb?x=1&code=c&state=s",
    );
  });

  it("consents at once only when every requested scope was granted", () => {
    expect(alreadyConsented(["openid", "profile"], ["profile", "openid", "email"])).toBe(true);
    expect(alreadyConsented(["openid", "Files.Write"], ["openid"])).toBe(false);
    expect(alreadyConsented(["openid"], undefined)).toBe(false);
  });
});

describe("mount links", () => {
  it("percent-encodes every value", () => {
    expect(
      mountLink({
        state: "st",
        code: "co",
        userId: "u1",
        path: "cloudreve://my/My%20Sync",
        name: "My drive",
      }),
    ).toBe(
      "cloudreve://mount?state=st&code=co&user_id=u1&path=cloudreve%3A%2F%2Fmy%2FMy%2520Sync&name=My%20drive",
    );
    expect(mountLink({ state: "reauthorize:x", code: "c", userId: "u" })).toBe(
      "cloudreve://mount?state=reauthorize%3Ax&code=c&user_id=u",
    );
  });

  it("tells a re-authorization and names a mount after its folder", () => {
    expect(isReauthorize("reauthorize:abc")).toBe(true);
    expect(isReauthorize("abc")).toBe(false);
    expect(defaultMountName("cloudreve://my", "Stratus")).toBe("Stratus");
    expect(defaultMountName("cloudreve://my/Work/My%20Sync", "Stratus")).toBe("My Sync");
  });
});

describe("scopes", () => {
  it("has a key for every scope and orders requests", () => {
    expect(SCOPES.map(scopeKey)).toContain("userSecurityInfoWrite");
    expect(scopeKey("offline_access")).toBe("offlineAccess");
    expect(scopeKey("Made.Up")).toBeUndefined();
    expect(ordered(["Files.Write", "x", "openid", "openid"])).toEqual([
      "openid",
      "Files.Write",
      "x",
    ]);
  });
});
