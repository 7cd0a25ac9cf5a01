// Picks a folder of "my files": one level at a time, up through the path, down by a click. With
// `files`, it also lists the files that prop accepts and picks one of them (a .torrent file).
import { ActionIcon, Breadcrumbs, Group, Loader, NavLink, ScrollArea, Text } from "@mantine/core";
import { IconArrowUp, IconCheck, IconFile, IconFolderFilled } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import type { FileInfo } from "../api/client";
import { useFolderEntries, useSubfolders } from "../api/folders";
import { FOLDER } from "../api/listing";
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
};

const none = () => false;

export function FolderPicker({ value, onChange, excluded, files, height = 260 }: Props) {
  const { t } = useTranslation();
  const parsed = parseUri(value);
  const onlyFolders = useSubfolders(value, !files);
  const withFiles = useFolderEntries(value, files?.keep ?? none, !!files);
  const folders = files ? withFiles : onlyFolders;
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
        {folders.isPending ? (
          <Loader size="sm" aria-label={t("explorer.loading")} />
        ) : folders.isError ? (
          <Text c="red" size="sm">
            {errorMessage(folders.error)}
          </Text>
        ) : folders.data.length === 0 ? (
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
                  onClick={() => files?.onPick(f)}
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
        )}
      </ScrollArea>
    </div>
  );
}
