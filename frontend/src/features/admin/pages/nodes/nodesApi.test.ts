import { describe, expect, it } from "vitest";
import { aria2Form, generateSecret, parseAria2Options, withAria2 } from "./nodesApi";

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

describe("the master's aria2 settings", () => {
  const stored = {
    provider: "aria2",
    other: { kept: true },
    aria2: {
      server: "http://127.0.0.1:6800/jsonrpc",
      token: "s3cret",
      temp_path: "/srv/aria2",
      options: { split: "4" },
      interval: 10,
    },
  };

  it("reads the form from settings, empty where there are none", () => {
    expect(aria2Form(stored)).toEqual({
      server: "http://127.0.0.1:6800/jsonrpc",
      token: "s3cret",
      tempPath: "/srv/aria2",
      options: '{\n  "split": "4"\n}',
    });
    const empty = { server: "", token: "", tempPath: "", options: "" };
    expect(aria2Form(null)).toEqual(empty);
    expect(aria2Form({ aria2: { options: {}, server: 3 } })).toEqual(empty);
  });

  it("takes only a JSON object as extra options", () => {
    expect(parseAria2Options("  ")).toEqual({ options: {} });
    expect(parseAria2Options('{"split": "8"}')).toEqual({ options: { split: "8" } });
    expect(parseAria2Options("[1]")).toEqual({ error: "object" });
    expect(parseAria2Options('"x"')).toEqual({ error: "object" });
    expect(parseAria2Options("{split: 8}")).toMatchObject({ error: "json" });
  });

  it("writes the form into settings and keeps every other key", () => {
    const form = { server: " http://h:1/jsonrpc ", token: "t", tempPath: "", options: "" };
    expect(withAria2(stored, form, { split: "2" })).toEqual({
      provider: "aria2",
      other: { kept: true },
      aria2: {
        server: "http://h:1/jsonrpc",
        token: "t",
        temp_path: "",
        options: { split: "2" },
        interval: 10,
      },
    });
    expect(withAria2({ x: 1 }, form, {})).toEqual({
      x: 1,
      provider: "aria2",
      aria2: { server: "http://h:1/jsonrpc", token: "t", temp_path: "", options: {} },
    });
  });

  it("leaves settings without aria2 alone when the form is empty", () => {
    const empty = { server: "", token: "", tempPath: " ", options: "" };
    expect(withAria2({ x: 1 }, empty, {})).toEqual({ x: 1 });
    expect(withAria2(null, empty, {})).toEqual({});
  });
});
