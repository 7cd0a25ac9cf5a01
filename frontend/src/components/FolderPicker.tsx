// Picks a folder of "my files": one level at a time, up through the path, down by a click. With
// `files`, it also lists the files that prop accepts and picks one of them (a .torrent file).
// With `folders`, it browses the folders that query lists instead (another user's drive, for
// an administrator).
import { ActionIcon, Breadcrumbs, Group, Loader, NavLink, ScrollArea, Text } from "@mantine/core";
import { IconArrowUp, IconCheck, IconFile, IconFolderFilled } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import type { FileInfo } from "../api/client";
import { useFolderEntries, useSubfolders } from "../api/files/folders";
import { FOLDER } from "../api/files/listing";
import { errorMessage } from "../lib/errors";
import { ancestors, parseUri } from "../lib/uri";

type Props = {
  value: string;
  onChange: (uri: string) => void;
  /** Folders that cannot be picked (what is being moved). */
  excluded: Set<string>;
  /** Also lists the files `keep` accepts; a click on one picks it. */
  files?: { keep: (file: FileInfo) => boolean; picked?: string; onPick: (file: FileInfo) => void };
  /** Height of the list, in pixels. */
  height?: number;
  /** The sub-folders of `value` from another source than the signed-in user's drive. */
  folders?: FolderQuery;
};

/** A folder as the picker lists it. */
export type PickerFolder = Pick<FileInfo, "name" | "path" | "type">;

/** What a list of sub-folders is while it loads, failed or arrived. */
export type FolderQuery = {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  data?: PickerFolder[];
};

const none = () => false;

export function FolderPicker({
  value,
  onChange,
  excluded,
  files,
  height = 260,
  folders: given,
}: Props) {
  const { t } = useTranslation();
  const parsed = parseUri(value);
  const onlyFolders = useSubfolders(value, !files && !given);
  const withFiles = useFolderEntries(value, files?.keep ?? none, !!files && !given);
  const folders: FolderQuery = given ?? (files ? withFiles : onlyFolders);
  const crumbs = parsed ? ancestors(parsed) : [];
  return (
    <div>
      <Group gap="xs" wrap="nowrap" mb="xs">
        <ActionIcon
          variant="default"
          aria-label={t("explorer.up")}
          disabled={crumbs.length < 2}
          onClick={() => onChange(crumbs[crumbs.length - 2] ?? value)}
        >
          <IconArrowUp size={16} />
        </ActionIcon>
        <Breadcrumbs separatorMargin={4} aria-label={t("explorer.pickerPath")}>
          {crumbs.map((uri, i) => (
            <Text
              key={uri}
              size="sm"
              truncate
              fw={i === crumbs.length - 1 ? 600 : undefined}
              style={{ cursor: "pointer" }}
              onClick={() => onChange(uri)}
            >
              {i === 0 ? t("nav.root.my") : parsed?.segments[i - 1]}
            </Text>
          ))}
        </Breadcrumbs>
      </Group>
      <ScrollArea h={height} type="auto" offsetScrollbars>
        <Entries folders={folders} excluded={excluded} files={files} onChange={onChange} />
      </ScrollArea>
    </div>
  );
}

/** The listed sub-folders (and files), or why there are none. */
function Entries({
  folders,
  excluded,
  files,
  onChange,
}: Pick<Props, "excluded" | "files" | "onChange"> & { folders: FolderQuery }) {
  const { t } = useTranslation();
  if (folders.isPending) return <Loader size="sm" aria-label={t("explorer.loading")} />;
  return folders.isError ? (
    <Text c="red" size="sm">
      {errorMessage(folders.error)}
    </Text>
  ) : !folders.data?.length ? (
    <Text c="dimmed" size="sm">
      {t("explorer.noSubfolders")}
    </Text>
  ) : (
    <nav aria-label={t("explorer.subfolders")}>
      {folders.data.map((f) =>
        f.type !== FOLDER ? (
          <NavLink
            key={f.path}
            component="button"
            label={f.name}
            active={files?.picked === f.path}
            aria-pressed={files?.picked === f.path}
            leftSection={<IconFile size={18} />}
            rightSection={files?.picked === f.path ? <IconCheck size={16} /> : undefined}
            // Files are listed only from the drive's own listing, as FileInfo.
            onClick={() => files?.onPick(f as FileInfo)}
          />
        ) : (
          <NavLink
            key={f.path}
            component="button"
            label={f.name}
            disabled={excluded.has(f.path)}
            aria-disabled={excluded.has(f.path)}
            leftSection={<IconFolderFilled size={18} color="var(--mantine-color-yellow-5)" />}
            onClick={() => {
              if (!excluded.has(f.path)) onChange(f.path);
            }}
          />
        ),
      )}
    </nav>
  );
}
