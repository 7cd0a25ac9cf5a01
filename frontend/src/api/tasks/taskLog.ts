// A task's log line as the server sends it (`{key, args, text}`) and its wording in the
// reader's language: the message under `taskLog.<key>` with the arguments, drive addresses
// shown as paths; a line whose key this UI does not know (or that has none) is its English text.
import type { i18n as I18n } from "i18next";
import type { Schemas } from "../client";
import { readableLogLine, readablePath } from "./tasks";

export type TaskLogLine = Schemas["TaskLogLine"];

/** The lines of a log read as text only (one a line), for a server that sent no keys. */
export function plainLogLines(log: string): TaskLogLine[] {
  return log
    .split("\n")
    .filter((text) => text.trim())
    .map((text) => ({ key: "", args: {}, text }));
}

/** One line in the reader's language. */
export function renderLogLine(line: TaskLogLine, i18n: Pick<I18n, "exists" | "t">): string {
  const key = `taskLog.${line.key}`;
  if (!line.key || !i18n.exists(key)) return readableLogLine(line.text);
  const given = (line.args ?? {}) as Record<string, unknown>;
  const args: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(given)) {
    args[name] = typeof value === "string" ? readablePath(value) : value;
  }
  // A key is known here only at run time; the typed `t` takes literal keys.
  return (i18n.t as (key: string, options: Record<string, unknown>) => string)(key, args);
}
