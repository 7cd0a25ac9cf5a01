import { describe, expect, it } from "vitest";
import { ancestors, childUri, formatUri, parseUri } from "./uri";

describe("file URIs", () => {
  it("parses the file system, the user part and decoded segments", () => {
    expect(parseUri("cloudreve://my/Docs/a%20b.txt")).toEqual({
      fs: "my",
      id: undefined,
      password: undefined,
      segments: ["Docs", "a b.txt"],
    });
    expect(parseUri("cloudreve://VoMFL:2rje@share/folder")).toMatchObject({
      fs: "share",
      id: "VoMFL",
      password: "2rje",
      segments: ["folder"],
    });
    expect(parseUri("cloudreve://my?name=x")?.segments).toEqual([]);
    expect(parseUri("https://example.com")).toBeNull();
    expect(parseUri("cloudreve://my/%E0%A4%A")).toBeNull();
  });

  it("formats what it parses, escaping like encodeURIComponent", () => {
    const uri = "cloudreve://abc:pw@share/a%20b/%E6%96%87%E4%BB%B6";
    const parsed = parseUri(uri);
    expect(parsed && formatUri(parsed)).toBe(uri);
    expect(childUri("cloudreve://my/", "50% #1?")).toBe("cloudreve://my/50%25%20%231%3F");
  });

  it("lists the ancestors from the root", () => {
    const parsed = parseUri("cloudreve://my/a/b");
    expect(parsed && ancestors(parsed)).toEqual([
      "cloudreve://my",
      "cloudreve://my/a",
      "cloudreve://my/a/b",
    ]);
  });
});
