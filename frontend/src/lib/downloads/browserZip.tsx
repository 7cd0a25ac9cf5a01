//! A zip built in the browser from the files' own signed URLs, for groups that may not have the
//! server build one (group permission bit 4). Folders are listed page by page, the files' URLs
//! are asked for together once the listing is done (one request counts one download of a
//! share, so a "download all" spends one of a limited share's downloads, not one per file),
//! each file is fetched only when the zip reaches it, and the zip streams (client-zip) to a
//! file the user picks (File System Access API), so memory stays flat; browsers without that
//! API collect it in a Blob. A notification shows the bytes done.
import { Progress, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { makeZip } from "client-zip";
import { downloadUrls, fetchFile } from "../../api/files/fileUrls";
import { folderChildren } from "../../api/files/listing";
import i18n from "../../i18n";
import { errorMessage } from "../errors";
import { formatBytes } from "../format";

const FOLDER = 1;

export type ZipItem = { path: string; type: number; name?: string; size?: number };

/** One entry of the zip: a file (with its URI, and its URL once signed) or a folder. */
type Entry = { name: string; uri?: string; url?: string; size: number; modified?: string };

/** The name an item goes by: its own, else the last segment of its URI. */
function nameOf(item: ZipItem): string {
  if (item.name) return item.name;
  const tail = item.path.replace(/[?#].*$/, "").replace(/\/+$/, "");
  return decodeURIComponent(tail.slice(tail.lastIndexOf("/") + 1)) || "download";
}

/** The entries under `prefix` for `item`, folders walked depth first. */
async function* walk(item: ZipItem, prefix: string): AsyncGenerator<Entry> {
  const name = `${prefix}${nameOf(item)}`;
  if (item.type !== FOLDER) {
    yield { name, uri: item.path, size: item.size ?? 0 };
    return;
  }
  yield { name: `${name}/`, size: 0 };
  for await (const child of folderChildren(item.path)) {
    yield* walk(child, `${name}/`);
  }
}

/** Asks for the files' URLs together (one download of a share, however many its files). */
async function signAll(entries: Entry[]) {
  const files = entries.filter((e) => e.uri);
  const urls = await downloadUrls(files.map((e) => e.uri ?? ""));
  files.forEach((e, i) => {
    e.url = urls[i];
  });
}

/** The zip's inputs: each file fetched when the zip reaches it, its bytes `report`ed. */
async function* inputs(entries: Entry[], report: (bytes: number) => void) {
  for (const entry of entries) {
    if (!entry.uri) {
      yield { name: entry.name };
      continue;
    }
    const answer = await fetchFile(entry.uri, entry.url);
    if (!answer.ok || !answer.body) throw new Error(`${entry.name}: HTTP ${answer.status}`);
    const counted = answer.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, out) {
          report(chunk.byteLength);
          out.enqueue(chunk);
        },
      }),
    );
    yield { name: entry.name, input: counted, size: entry.size };
  }
}

/** Where the zip goes: a file the user picked, else a Blob saved when it is complete. */
type Sink = {
  write: (zip: ReadableStream<Uint8Array>) => Promise<void>;
  /** Drops what was begun when the zip never started (a failed listing). */
  abort: () => void;
};

type SavePicker = (options: {
  suggestedName: string;
  types?: { description: string; accept: Record<string, string[]> }[];
}) => Promise<{ createWritable: () => Promise<WritableStream<Uint8Array>> }>;

/** Asks where to save first (the picker needs the click's user activation); null if canceled. */
async function openSink(fileName: string): Promise<Sink | null> {
  const picker = (window as unknown as { showSaveFilePicker?: SavePicker }).showSaveFilePicker;
  if (picker) {
    try {
      const handle = await picker({
        suggestedName: fileName,
        types: [{ description: "Zip", accept: { "application/zip": [".zip"] } }],
      });
      const writable = await handle.createWritable();
      return {
        write: (zip) => zip.pipeTo(writable),
        abort: () => void writable.abort().catch(() => {}),
      };
    } catch (e) {
      if (e instanceof DOMException && e.name === "AbortError") return null;
      // No user activation left (the server refused a zip first): the Blob below instead.
    }
  }
  return {
    write: async (zip) => {
      const blob = await new Response(zip).blob();
      const url = URL.createObjectURL(blob);
      const link = document.createElement("a");
      link.href = url;
      link.download = fileName;
      link.click();
      // The download has the Blob by now; the URL is only kept until the click is handled.
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    },
    abort: () => {},
  };
}

function progressMessage(done: number, total: number) {
  const percent = total > 0 ? Math.min(100, (done / total) * 100) : 0;
  return (
    <>
      <Text size="sm">
        {i18n.t("transfer.zipProgress", { done: formatBytes(done), total: formatBytes(total) })}
      </Text>
      <Progress
        mt={6}
        value={percent}
        aria-label={i18n.t("transfer.zipProgressLabel")}
        transitionDuration={0}
      />
    </>
  );
}

/** Streams `items` as one zip named `fileName` to where the user picks. */
export async function zipInBrowser(items: ZipItem[], fileName: string) {
  const sink = await openSink(fileName);
  if (!sink) return;
  const id = `zip-${Date.now()}`;
  const title = i18n.t("transfer.zipBuilding", { name: fileName });
  notifications.show({
    id,
    title,
    message: progressMessage(0, 0),
    autoClose: false,
    withCloseButton: false,
    loading: true,
  });
  const entries: Entry[] = [];
  let total = 0;
  let done = 0;
  let shown = 0;
  let writing = false;
  const report = (bytes: number) => {
    done += bytes;
    // At most one redraw per percent (or per MiB for small totals).
    if (done - shown >= Math.max(total / 100, 1 << 20) || done === total) {
      shown = done;
      notifications.update({ id, title, message: progressMessage(done, total), loading: true });
    }
  };

  try {
    // The listing first, so the progress has a total; the bytes are fetched later, one by one.
    for (const item of items) for await (const entry of walk(item, "")) entries.push(entry);
    total = entries.reduce((sum, e) => sum + e.size, 0);
    await signAll(entries);
    notifications.update({ id, title, message: progressMessage(0, total), loading: true });
    writing = true;
    await sink.write(makeZip(inputs(entries, report)));
    notifications.update({
      id,
      title,
      color: "teal",
      message: i18n.t("transfer.zipDone", { name: fileName }),
      loading: false,
      autoClose: 4000,
      withCloseButton: true,
    });
  } catch (e) {
    // Once writing, a failure aborts the file through the pipe itself.
    if (!writing) sink.abort();
    notifications.update({
      id,
      title,
      color: "red",
      message: errorMessage(e),
      loading: false,
      autoClose: false,
      withCloseButton: true,
    });
  }
}
