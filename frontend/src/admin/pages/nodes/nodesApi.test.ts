import { describe, expect, it } from "vitest";
import { generateSecret } from "./nodesApi";

describe("generateSecret", () => {
  it("makes long secrets of letters and digits, different each time", () => {
    const a = generateSecret();
    const b = generateSecret();
    expect(a.length).toBeGreaterThanOrEqual(64);
    expect(a).toMatch(/^[A-Za-z0-9]+$/);
    expect(a).not.toBe(b);
    expect(generateSecret(100)).toHaveLength(100);
  });
});
