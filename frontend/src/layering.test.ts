// The layers of the web UI, checked on the sources: `app/` (the shell) may import anything;
// a feature (`features/<name>/`) imports itself and the shared folders, never the shell or
// another feature, except through the one seam below; the shared folders (`components/`,
// `lib/`, `api/`, `i18n/`) import only each other. No file reaches itself through its imports.
// And no function grows past MAX_LINES: today's longer ones are listed in longFunctions.json,
// a list that may only shrink. No folder holds more than MAX_FILES source files side by side.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { expect, it } from "vitest";
import longFunctions from "./longFunctions.json";
import rawCallsLeft from "./rawCalls.json";

const SRC = import.meta.dirname;
const SHARED = ["components", "lib", "api", "i18n"];
/**
 * The one seam between features: the explorer's action registry, where other features
 * (tasks, snapshots, shares) register what can be done to files without the explorer
 * importing them. The shell imports those registrations.
 */
const SEAM = "features/explorer/actions.ts";
const MAX_LINES = 80;
/** Source files (.ts, .tsx, tests included) one folder may hold beside each other. */
const MAX_FILES = 30;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) && !name.endsWith(".d.ts") ? [relative(SRC, path)] : [];
  });
}

const files = sources(SRC);
const parsed = new Map(
  files.map((file) => [
    file,
    ts.createSourceFile(file, readFileSync(join(SRC, file), "utf8"), ts.ScriptTarget.Latest, true),
  ]),
);

/** The file a relative (or `@/`) specifier names, relative to src; undefined for a package. */
function resolveSpecifier(from: string, spec: string): string | undefined {
  let base: string;
  if (spec.startsWith("@/")) base = join(SRC, spec.slice(2));
  else if (spec.startsWith(".")) base = resolve(SRC, dirname(from), spec);
  else return undefined;
  for (const ext of ["", ".ts", ".tsx", "/index.ts", "/index.tsx"]) {
    const path = base + ext;
    if (existsSync(path) && statSync(path).isFile()) return relative(SRC, path);
  }
  return relative(SRC, base);
}

/** Every import of a file: static, re-exports and dynamic `import()`. */
function importsOf(file: string): string[] {
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    let spec: string | undefined;
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      spec = node.moduleSpecifier.text;
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      spec = node.arguments[0].text;
    }
    const target = spec === undefined ? undefined : resolveSpecifier(file, spec);
    if (target !== undefined) out.push(target);
    ts.forEachChild(node, visit);
  };
  const source = parsed.get(file);
  if (source) visit(source);
  return out;
}

/** `app`, `features/<name>`, `shared`, or undefined for a file outside every layer. */
function unitOf(file: string): string | undefined {
  const [top, second] = file.split("/");
  if (top === "app") return "app";
  if (top === "features" && second && file.split("/").length > 2) return `features/${second}`;
  if (top && SHARED.includes(top) && file.includes("/")) return "shared";
  // Outside src/ (the generated API types) counts as shared.
  if (file.startsWith("..")) return "shared";
  return undefined;
}

function allowed(from: string, to: string): boolean {
  const a = unitOf(from);
  const b = unitOf(to);
  if (a === b || a === "app") return true;
  if (a?.startsWith("features/")) return b === "shared" || to === SEAM;
  return false;
}

const graph = new Map(files.map((file) => [file, importsOf(file)]));

it("places every source file in a layer", () => {
  expect(files.filter((file) => !unitOf(file) && file !== "layering.test.ts")).toEqual([]);
});

it("imports only downwards, and between features only through the seam", () => {
  const wrong: string[] = [];
  for (const [file, targets] of graph) {
    if (!unitOf(file)) continue;
    for (const target of targets) {
      if (!allowed(file, target)) wrong.push(`${file} -> ${target}`);
    }
  }
  expect(wrong).toEqual([]);
});

/** Strongly connected groups of more than one file (Tarjan). */
function circles(): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v) ?? 0);
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (stack.includes(w)) {
        low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
      }
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w) group.push(w);
      } while (w && w !== v);
      if (group.length > 1 || graph.get(v)?.includes(v)) found.push(group.sort());
    }
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return found;
}

it("has no circle of imports", () => {
  expect(circles()).toEqual([]);
});

/** The name of a function: its own, its variable's or property's, else `(callback of f)`. */
function functionName(node: ts.Node): string {
  if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) && node.name) {
    return node.name.getText();
  }
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) {
    return parent.name.getText();
  }
  if (ts.isCallExpression(parent)) {
    return `(callback of ${parent.expression.getText().split("(")[0]})`;
  }
  return "(anonymous)";
}

/** `file#outer.inner` of each function longer than MAX_LINES, with its length. */
function longOnes(): Map<string, number> {
  const out = new Map<string, number>();
  for (const [file, source] of parsed) {
    if (file.endsWith(".test.ts")) continue;
    const visit = (node: ts.Node, path: string[]) => {
      let inner = path;
      if (ts.isFunctionLike(node) && "body" in node && node.body) {
        inner = [...path, functionName(node)];
        const first = source.getLineAndCharacterOfPosition(node.getStart()).line;
        const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
        if (last - first + 1 > MAX_LINES) out.set(`${file}#${inner.join(".")}`, last - first + 1);
      }
      ts.forEachChild(node, (child) => visit(child, inner));
    };
    visit(source, []);
  }
  return out;
}

it(`has no new function over ${MAX_LINES} lines, and lists only the long ones left`, () => {
  const long = longOnes();
  const listed = new Set<string>(longFunctions);
  expect([...long.keys()].filter((key) => !listed.has(key))).toEqual([]);
  expect([...listed].filter((key) => !long.has(key))).toEqual([]);
});

/**
 * Where the server is asked: only `api/` (one file per resource, its query keys beside it) and
 * the admin pages' `*Api.ts` files call the API client (`api.GET(…)`, `anonymousApi.POST(…)`)
 * or `fetch`. Other files use their hooks and functions; the ones that still do not are listed
 * in rawCalls.json with their number of calls, a list that may only shrink.
 */
const HTTP_METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE"]);

function mayCallServer(file: string): boolean {
  return (
    file.startsWith("api/") ||
    (file.startsWith("features/admin/") && /Api\.ts$/.test(file)) ||
    /\.test\.tsx?$/.test(file)
  );
}

/** Each file's direct calls of the client or of `fetch`, counted. */
function rawCalls(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [file, source] of parsed) {
    if (mayCallServer(file)) continue;
    const visit = (node: ts.Node) => {
      if (ts.isCallExpression(node)) {
        const callee = node.expression;
        const raw =
          (ts.isPropertyAccessExpression(callee) && HTTP_METHODS.has(callee.name.text)) ||
          (ts.isIdentifier(callee) && callee.text === "fetch");
        if (raw) out[file] = (out[file] ?? 0) + 1;
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return out;
}

it("calls the server only from api/, except the listed calls left", () => {
  expect(rawCalls()).toEqual(rawCallsLeft);
});

/**
 * A folder's files show its design: past MAX_FILES side by side, a folder is split by the
 * code's concerns (as `features/explorer/` is into `list/`, `toolbar/`, `info/`…, and `api/`
 * into its families). Every folder, no exception.
 */
it(`holds at most ${MAX_FILES} source files in any one folder`, () => {
  const perFolder = new Map<string, number>();
  const count = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) count(path);
      else if (/\.tsx?$/.test(name)) {
        const folder = relative(SRC, dir) || ".";
        perFolder.set(folder, (perFolder.get(folder) ?? 0) + 1);
      }
    }
  };
  count(SRC);
  const crowded = [...perFolder].filter(([, n]) => n > MAX_FILES).map(([d, n]) => `${d}: ${n}`);
  expect(crowded).toEqual([]);
});
