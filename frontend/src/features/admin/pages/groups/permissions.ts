// Group permission bits (spec §4.4), in the order the group form lists them. Reserved bits are
// shown too, so an administrator sees every flag a group carries.
export type PermissionBit = { bit: number; key: string; reserved?: boolean };

export const PERMISSION_BITS: PermissionBit[] = [
  { bit: 0, key: "admin" },
  { bit: 1, key: "anonymous" },
  { bit: 2, key: "share" },
  { bit: 3, key: "webdav" },
  { bit: 6, key: "webdavProxy" },
  { bit: 4, key: "archiveDownload" },
  { bit: 5, key: "archiveTask" },
  { bit: 7, key: "shareDownload" },
  { bit: 9, key: "remoteDownload" },
  { bit: 11, key: "redirectedSource" },
  { bit: 12, key: "advanceDelete" },
  { bit: 16, key: "ignoreOwnership" },
  { bit: 17, key: "uniqueDirectLink" },
  { bit: 20, key: "snapshot" },
  { bit: 8, key: "reserved8", reserved: true },
  { bit: 10, key: "reserved10", reserved: true },
  { bit: 13, key: "reserved13", reserved: true },
  { bit: 14, key: "reserved14", reserved: true },
  { bit: 15, key: "reserved15", reserved: true },
];

/** Group settings (spec §13) the form edits; others the group has are kept as they are. */
export type GroupSettings = {
  compress_size?: number;
  decompress_size?: number;
  source_batch?: number;
  aria2_batch?: number;
  max_walked_files?: number;
  trash_retention?: number;
  redirected_source?: boolean;
  [key: string]: unknown;
};
