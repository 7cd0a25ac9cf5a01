import { describe, expect, it } from "vitest";
import { NO_FILTERS, parseSearch, searchUri } from "./search";

describe("search URIs", () => {
  it("is the folder itself without filters", () => {
    expect(searchUri("cloudreve://my/Docs", NO_FILTERS)).toBe("cloudreve://my/Docs");
    expect(parseSearch("cloudreve://my/Docs")).toBeNull();
  });

  it("writes the spec's keys and reads them back", () => {
    const filters = {
      ...NO_FILTERS,
      name: " beach ",
      type: "file" as const,
      category: "image" as const,
      sizeMin: 1024,
      sizeMax: 2048,
      updatedFrom: "2026-01-02",
      updatedTo: "2026-03-04",
      tag: "holiday",
    };
    const uri = searchUri("cloudreve://my", filters);
    const query = new URLSearchParams(uri.split("?")[1]);
    expect(query.get("name")).toBe("beach");
    expect(query.get("case_folding")).toBe("true");
    expect(query.get("type")).toBe("file");
    expect(query.get("category")).toBe("image");
    expect(query.get("size_gte")).toBe("1024");
    expect(query.get("size_lte")).toBe("2048");
    expect(query.has("meta_tag:holiday")).toBe(true);
    expect(Number(query.get("updated_lte"))).toBeGreaterThan(Number(query.get("updated_gte")));
    expect(parseSearch(uri)).toEqual({
      folder: "cloudreve://my",
      filters: { ...filters, name: "beach" },
    });
  });
});
