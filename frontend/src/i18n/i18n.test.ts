// Every language has every key, with the same placeholders; every key the code names exists.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import enUS from "./en-US.json";
import { LANGUAGES, matchLanguage } from "./index";
import jaJP from "./ja-JP.json";
import zhCN from "./zh-CN.json";
import zhTW from "./zh-TW.json";

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

const english = flatten(enUS);
const others: Record<string, Map<string, string>> = {
  "zh-CN": flatten(zhCN),
  "zh-TW": flatten(zhTW),
  "ja-JP": flatten(jaJP),
};

it("checks every language the picker offers", () => {
  expect(Object.keys(LANGUAGES).sort()).toEqual(["en-US", ...Object.keys(others)].sort());
});

it("picks the language closest to a browser tag", () => {
  expect(matchLanguage("ja")).toBe("ja-JP");
  expect(matchLanguage("ja-JP")).toBe("ja-JP");
  expect(matchLanguage("zh-TW")).toBe("zh-TW");
  expect(matchLanguage("zh-Hant-HK")).toBe("zh-TW");
  expect(matchLanguage("zh-HK")).toBe("zh-TW");
  expect(matchLanguage("zh")).toBe("zh-CN");
  expect(matchLanguage("zh-Hans-SG")).toBe("zh-CN");
  expect(matchLanguage("en-GB")).toBe("en-US");
  expect(matchLanguage("fr-FR")).toBeUndefined();
});

describe.each(Object.entries(others))("%s", (_, strings) => {
  it("has every English key and no other", () => {
    expect([...strings.keys()].sort()).toEqual([...english.keys()].sort());
  });

  it("keeps the placeholders of each string", () => {
    for (const [key, text] of english) {
      expect(placeholders(strings.get(key) ?? ""), key).toEqual(placeholders(text));
    }
  });

  it("translates every string", () => {
    for (const [key, text] of strings) expect(text.trim(), key).not.toBe("");
  });
});

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) && !name.endsWith(".test.ts") ? [path] : [];
  });
}

it("has every key the code asks for by name", () => {
  const root = join(import.meta.dirname, "..");
  const missing: string[] = [];
  for (const file of sources(root)) {
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(/\bt\(\s*"([\w.]+)"/g)) {
      const key = match[1] ?? "";
      if (!english.has(key)) missing.push(`${file}: ${key}`);
    }
  }
  expect(missing).toEqual([]);
});
