// Group permission bits (spec §4.4), in the order the group form lists them. Reserved bits are
// shown too, so an administrator sees every flag a group carries. Each has its name as
// Cloudreve's sources and API documents call it, shown under the sentence that explains it.
export type PermissionBit = { bit: number; name: string; key: string; reserved?: boolean };

export const PERMISSION_BITS: PermissionBit[] = [
  { bit: 0, name: "is_admin", key: "admin" },
  { bit: 1, name: "is_anonymous", key: "anonymous" },
  { bit: 2, name: "share", key: "share" },
  { bit: 3, name: "webdav", key: "webdav" },
  { bit: 6, name: "webdav_proxy", key: "webdavProxy" },
  { bit: 4, name: "archive_download", key: "archiveDownload" },
  { bit: 5, name: "archive_task", key: "archiveTask" },
  { bit: 7, name: "share_download", key: "shareDownload" },
  { bit: 9, name: "remote_download", key: "remoteDownload" },
  { bit: 11, name: "redirected_source", key: "redirectedSource" },
  { bit: 12, name: "advance_delete", key: "advanceDelete" },
  { bit: 16, name: "ignore_file_ownership", key: "ignoreOwnership" },
  { bit: 17, name: "unique_direct_link", key: "uniqueDirectLink" },
  { bit: 20, name: "snapshot", key: "snapshot" },
  { bit: 21, name: "s3", key: "s3" },
  { bit: 22, name: "share_people", key: "sharePeople" },
  { bit: 8, name: "share_free", key: "reserved8", reserved: true },
  { bit: 10, name: "relocate", key: "reserved10", reserved: true },
  { bit: 13, name: "select_node", key: "reserved13", reserved: true },
  { bit: 14, name: "reserved_14", key: "reserved14", reserved: true },
  { bit: 15, name: "set_explicit_user_permission", key: "reserved15", reserved: true },
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
