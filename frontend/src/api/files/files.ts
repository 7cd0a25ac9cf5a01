// Changes to files (`/file/*`): create, rename, delete, restore, move, the trash, locks and
// metadata, each followed by re-reading what it changed.

import { childUri } from "../../lib/uri";
import { invalidateCapacity } from "../account/capacity";
import { api, type Schemas, unwrap } from "../client";
import { queryClient } from "../queryClient";
import { treeRoot } from "./folders";
import { listKey, listRoot } from "./listing";

/**
 * Runs `send` on the URIs a batch at a time: a whole large folder can be selected, and the
 * server takes at most `max_batched_file` (3,000 by default) URIs a request.
 */
async function inBatches(uris: string[], send: (batch: string[]) => Promise<unknown>) {
  const BATCH = 1000;
  for (let start = 0; start < uris.length; start += BATCH) {
    await send(uris.slice(start, start + BATCH));
  }
}

function refresh(folder: string) {
  queryClient.invalidateQueries({ queryKey: listKey(folder) });
  void invalidateCapacity();
}

export async function createFolder(folder: string, name: string) {
  await unwrap(
    api.POST("/file/create", {
      body: { uri: childUri(folder, name), type: "folder", err_on_conflict: true },
    }),
  );
  refresh(folder);
}

export async function renameFile(folder: string, uri: string, name: string) {
  await unwrap(api.POST("/file/rename", { body: { uri, new_name: name } }));
  refresh(folder);
}

/** To the trash; from the trash, for good. */
export async function deleteFiles(folder: string, uris: string[], forever = false) {
  try {
    await inBatches(uris, (batch) =>
      unwrap(
        api.DELETE("/file", {
          body: { uris: batch, ...(forever ? { skip_soft_delete: true } : {}) },
        }),
      ),
    );
  } finally {
    refresh(folder);
  }
}

export async function restoreFiles(folder: string, uris: string[]) {
  try {
    await inBatches(uris, (batch) => unwrap(api.POST("/file/restore", { body: { uris: batch } })));
  } finally {
    refresh(folder);
  }
}

/** Moves (or copies) files into the folder `dst`; both folders' listings are re-read. */
export async function moveFiles(uris: string[], dst: string, copy: boolean) {
  try {
    await inBatches(uris, (batch) =>
      unwrap(api.POST("/file/move", { body: { uris: batch, dst, copy } })),
    );
  } finally {
    queryClient.invalidateQueries({ queryKey: listRoot });
    void invalidateCapacity();
    queryClient.invalidateQueries({ queryKey: treeRoot });
  }
}

export async function createFile(folder: string, name: string) {
  await unwrap(
    api.POST("/file/create", {
      body: { uri: childUri(folder, name), type: "file", err_on_conflict: true },
    }),
  );
  refresh(folder);
}

export async function emptyTrash() {
  await unwrap(api.DELETE("/file/trash", {}));
  queryClient.invalidateQueries({ queryKey: listRoot });
  void invalidateCapacity();
}

/** Takes the locks of a 40073 answer away, so that the change can be tried again. */
export async function forceUnlock(tokens: string[]) {
  await unwrap(api.DELETE("/file/lock", { body: { tokens } }));
}

/**
 * Makes the folder `uri` if it is missing (an existing one is no error): the parents of an
 * uploaded folder's files. The caller re-reads the listing once all are made.
 */
export async function ensureFolder(uri: string) {
  await unwrap(api.POST("/file/create", { body: { uri, type: "folder" } }));
}

export type MetadataPatch = Schemas["MetadataPatch"];

/** Sets or removes metadata keys of the files at `uris`; the caller re-reads the file's info. */
export async function patchMetadata(uris: string[], patches: MetadataPatch[]) {
  await unwrap(api.PATCH("/file/metadata", { body: { uris, patches } }));
}
