// A task's live progress as React state, read from the task's event stream
// (`api/tasks/taskStream.ts`) while wanted.
import { useEffect, useRef, useState } from "react";
import type { TaskLogLine } from "../../api/tasks/taskLog";
import { readTaskStream } from "../../api/tasks/taskStream";
import type { ProgressMap, Task } from "../../api/tasks/tasks";

export type Live = { progress?: ProgressMap; log: TaskLogLine[]; status?: Task; open: boolean };

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
