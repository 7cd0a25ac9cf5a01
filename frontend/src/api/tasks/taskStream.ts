// A task's live progress: `GET /workflow/progress/:id/stream` is server-sent events behind the
// Authorization header, which EventSource cannot send, so it is read with fetch and a streaming
// reader, and parsed by eventsource-parser. The stream ends when the task does.
import { createParser } from "eventsource-parser";
import { API_BASE } from "../client";
import { accessToken } from "../session";
import type { TaskLogLine } from "./taskLog";
import type { ProgressMap, Task } from "./tasks";

export type StreamHandlers = {
  progress: (progress: ProgressMap) => void;
  log: (line: TaskLogLine) => void;
  status: (task: Task) => void;
};

/** Reads the stream of task `id` until it ends or `signal` aborts. */
export async function readTaskStream(id: string, handlers: StreamHandlers, signal: AbortSignal) {
  const token = await accessToken();
  const response = await fetch(`${API_BASE}/workflow/progress/${encodeURIComponent(id)}/stream`, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
    signal,
  });
  // An error answers with a JSON envelope instead of a stream.
  if (!response.body || !response.headers.get("content-type")?.includes("text/event-stream")) {
    return;
  }
  const parser = createParser({
    onEvent: (event) => {
      try {
        const data = JSON.parse(event.data) as unknown;
        if (event.event === "progress") handlers.progress(data as ProgressMap);
        // Each `log` event (English text) is followed by a `log_line` event with the same
        // line's key and arguments: only the latter is read.
        else if (event.event === "log_line") handlers.log(data as TaskLogLine);
        else if (event.event === "status") handlers.status(data as Task);
      } catch {
        // A line that is not JSON is skipped.
      }
    },
  });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    parser.feed(value);
  }
}
