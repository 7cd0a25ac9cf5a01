// A backup record's log, live: `GET /admin/backup/record/:id/log/stream` is server-sent events
// behind the Authorization header, which EventSource cannot send, so it is read with fetch and
// a streaming reader and parsed by eventsource-parser (as the task progress stream is). `log`
// events carry one line each, from the first; a `status` event carries the record once its
// run ended, and the stream ends with it.
import { createParser } from "eventsource-parser";
import { useEffect, useRef, useState } from "react";
import { API_BASE } from "../../../../api/client";
import { accessToken } from "../../../../api/session";

export type RecordLog = { lines: string[]; open: boolean };

/** The most lines kept on screen; the whole log is in the record. */
const MAX_LINES = 2000;

export async function readRecordLog(
  id: number,
  handlers: { log: (line: string) => void; status: () => void },
  signal: AbortSignal,
) {
  const token = await accessToken();
  const response = await fetch(`${API_BASE}/admin/backup/record/${id}/log/stream`, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
    signal,
  });
  // A refusal answers with a JSON envelope instead of a stream.
  if (!response.body || !response.headers.get("content-type")?.includes("text/event-stream")) {
    return;
  }
  const parser = createParser({
    onEvent: (event) => {
      if (event.event === "log") handlers.log(event.data);
      else if (event.event === "status") handlers.status();
    },
  });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    parser.feed(value);
  }
}

/** The log of record `id` as it grows; `onEnd` runs when the run (and so the stream) ends. */
export function useRecordLog(id: number, onEnd?: () => void): RecordLog {
  const [state, setState] = useState<RecordLog>({ lines: [], open: false });
  // The latest callback, read when the stream ends: a new one must not restart the stream.
  const ended = useRef(onEnd);
  ended.current = onEnd;
  useEffect(() => {
    const abort = new AbortController();
    setState({ lines: [], open: true });
    readRecordLog(
      id,
      {
        log: (line) => setState((s) => ({ ...s, lines: [...s.lines, line].slice(-MAX_LINES) })),
        status: () => ended.current?.(),
      },
      abort.signal,
    )
      .catch(() => {})
      .finally(() => {
        if (!abort.signal.aborted) setState((s) => ({ ...s, open: false }));
      });
    return () => abort.abort();
  }, [id]);
  return state;
}
