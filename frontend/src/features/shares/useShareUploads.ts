// The visitor's uploads into an upload-only share: each dropped or chosen file is sent in turn,
// with its progress, the name it was stored under, or why it was refused.
import { useRef, useState } from "react";
import { uploadToShare } from "../../api/sharing/shareVisit";
import { errorMessage } from "../../lib/errors";

export type Dropped = {
  key: number;
  name: string;
  size: number;
  sent: number;
  state: "waiting" | "sending" | "done" | "failed";
  /** The name the server stored it under (numbered when taken). */
  stored?: string;
  error?: string;
};

export function useShareUploads(id: string, password: string | undefined) {
  const [items, setItems] = useState<Dropped[]>([]);
  const queue = useRef<Promise<void>>(Promise.resolve());
  const next = useRef(0);

  const patch = (key: number, change: Partial<Dropped>) =>
    setItems((all) => all.map((d) => (d.key === key ? { ...d, ...change } : d)));

  const send = async (key: number, file: File) => {
    patch(key, { state: "sending" });
    try {
      const done = await uploadToShare(id, password, file, (sent) => patch(key, { sent }));
      patch(key, { state: "done", sent: file.size, stored: done.name });
    } catch (e) {
      patch(key, { state: "failed", error: errorMessage(e) });
    }
  };

  const add = (files: FileList | File[]) => {
    for (const file of Array.from(files)) {
      const key = next.current++;
      setItems((all) => [
        ...all,
        { key, name: file.name, size: file.size, sent: 0, state: "waiting" },
      ]);
      // One at a time: a visitor's address may send a limited number per window anyway.
      queue.current = queue.current.then(() => send(key, file));
    }
  };

  return { items, add };
}
