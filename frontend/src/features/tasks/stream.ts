// A task's live progress: `GET /workflow/progress/:id/stream` is server-sent events behind the
// Authorization header, which EventSource cannot send, so it is read with fetch and a streaming
// reader, and parsed by eventsource-parser. The stream ends when the task does.
import { createParser } from "eventsource-parser";
import { useEffect, useRef, useState } from "react";
import { API_BASE } from "../../api/client";
import { accessToken } from "../../api/session";
import type { ProgressMap, Task } from "../../api/tasks";

export type Live = { progress?: ProgressMap; log: string[]; status?: Task; open: boolean };

export type StreamHandlers = {
  progress: (progress: ProgressMap) => void;
  log: (line: string) => void;
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
        else if (event.event === "log") handlers.log(String(data));
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

/** The live state of task `id` while `enabled`; `onEnd` runs when the stream closes. */
export function useTaskStream(id: string, enabled: boolean, onEnd?: () => void): Live {
  const [live, setLive] = useState<Live>({ log: [], open: false });
  // The latest callback, read when the stream ends: a new one must not restart the stream.
  const ended = useRef(onEnd);
  ended.current = onEnd;
  useEffect(() => {
    if (!enabled) return;
    const abort = new AbortController();
    setLive({ log: [], open: true });
    readTaskStream(
      id,
      {
        progress: (progress) => setLive((l) => ({ ...l, progress })),
        log: (line) => setLive((l) => ({ ...l, log: [...l.log, line].slice(-500) })),
        status: (status) => setLive((l) => ({ ...l, status })),
      },
      abort.signal,
    )
      .catch(() => {})
      .finally(() => {
        if (abort.signal.aborted) return;
        setLive((l) => ({ ...l, open: false }));
        ended.current?.();
      });
    return () => abort.abort();
  }, [id, enabled]);
  return live;
}
