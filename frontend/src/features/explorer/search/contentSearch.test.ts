import { describe, expect, it } from "vitest";
import {
  contentQuery,
  folderOf,
  NO_CONTENT_FILTERS,
  snippetParts,
  unescapeHtml,
} from "./contentSearch";

describe("snippetParts", () => {
  it("splits text and marks", () => {
    expect(snippetParts("a <em>b</em> c<em>d</em>")).toEqual([
      { text: "a ", mark: false },
      { text: "b", mark: true },
      { text: " c", mark: false },
      { text: "d", mark: true },
    ]);
  });
  it("keeps escaped markup as text", () => {
    expect(snippetParts("&lt;script&gt;x&lt;/script&gt; <em>&amp;</em>")).toEqual([
      { text: "<script>x</script> ", mark: false },
      { text: "&", mark: true },
    ]);
  });
  it("leaves any other tag literal", () => {
    expect(snippetParts("<b>x</b>")).toEqual([{ text: "<b>x</b>", mark: false }]);
  });
  it("decodes numeric references and leaves unknown ones", () => {
    expect(unescapeHtml("&#39;&#x4e2d;&bogus;")).toBe("'中&bogus;");
  });
});

describe("contentQuery", () => {
  it("normalizes extensions and skips empty filters", () => {
    const q = contentQuery(" walrus ", "cloudreve://my", {
      ...NO_CONTENT_FILTERS,
      ext: ".MD, txt",
    });
    expect(q).toEqual({ query: "walrus", uri: "cloudreve://my", ext: "md,txt" });
  });
});

describe("folderOf", () => {
  it("drops the last segment", () => {
    expect(folderOf("cloudreve://my/Docs/a%20b.md")).toBe("cloudreve://my/Docs");
    expect(folderOf("cloudreve://my/a.md")).toBe("cloudreve://my");
  });
});
