import { describe, expect, it } from "vitest";
import { decodeBoolset, encodeBoolset } from "./boolset";

describe("boolset", () => {
  it("reads the default groups of the spec", () => {
    expect([...decodeBoolset("/RoB")].sort((a, b) => a - b)).toEqual([
      0, 2, 3, 4, 5, 6, 7, 9, 11, 12, 16,
    ]);
    expect([...decodeBoolset("hAg=")].sort((a, b) => a - b)).toEqual([2, 7, 11]);
    expect([...decodeBoolset("gg==")].sort((a, b) => a - b)).toEqual([1, 7]);
  });

  it("writes the shortest form", () => {
    expect(encodeBoolset([0, 2, 3, 4, 5, 6, 7, 9, 11, 12, 16])).toBe("/RoB");
    expect(encodeBoolset([2, 7, 11])).toBe("hAg=");
    expect(encodeBoolset([])).toBe("");
  });

  it("treats garbage as no flags", () => {
    expect(decodeBoolset("%%%").size).toBe(0);
    expect(decodeBoolset(undefined).size).toBe(0);
  });
});
