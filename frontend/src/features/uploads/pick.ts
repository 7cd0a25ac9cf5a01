// Files as the browser hands them over, turned into what the queue takes: each file with the
// folders it sits in. A folder picker gives `webkitRelativePath`; a drop gives entries to walk
// (the only way to see folders, empty ones included).
import type { Pick } from "./manager";

export type Picked = { picks: Pick[]; emptyDirs: string[][] };

/** From an `<input type="file">`, with or without `webkitdirectory`. */
export function fromInput(files: FileList | File[]): Picked {
  const picks = Array.from(files).map((file) => {
    const parts = (file.webkitRelativePath || file.name).split("/").filter(Boolean);
    return { file, dirs: parts.slice(0, -1) };
  });
  return { picks, emptyDirs: [] };
}

/**
 * From a drop. Entries must be taken while the drop event runs; reading them may come later.
 * Items without an entry (some browsers, synthetic drops) are taken as plain files.
 */
export function fromDrop(data: DataTransfer): Promise<Picked> {
  const entries: FileSystemEntry[] = [];
  const loose: File[] = [];
  for (const item of Array.from(data.items ?? [])) {
    if (item.kind !== "file") continue;
    const entry = item.webkitGetAsEntry?.();
    if (entry) entries.push(entry);
    else {
      const file = item.getAsFile();
      if (file) loose.push(file);
    }
  }
  if (!entries.length && !loose.length) loose.push(...Array.from(data.files ?? []));
  return walk(entries, loose);
}

async function walk(entries: FileSystemEntry[], loose: File[]): Promise<Picked> {
  const out: Picked = { picks: loose.map((file) => ({ file, dirs: [] })), emptyDirs: [] };
  const visit = async (entry: FileSystemEntry, dirs: string[]) => {
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) =>
        (entry as FileSystemFileEntry).file(resolve, reject),
      );
      out.picks.push({ file, dirs });
    } else if (entry.isDirectory) {
      const children = await readAll(entry as FileSystemDirectoryEntry);
      const path = [...dirs, entry.name];
      if (!children.length) out.emptyDirs.push(path);
      for (const child of children) await visit(child, path);
    }
  };
  for (const entry of entries) await visit(entry, []);
  return out;
}

/** A directory reader answers in batches (100 in Chromium) until it answers none. */
async function readAll(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const all: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
      reader.readEntries(resolve, reject),
    );
    if (!batch.length) return all;
    all.push(...batch);
  }
}
