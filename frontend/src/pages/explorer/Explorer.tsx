// The explorer: breadcrumbs, the toolbar (new folder, upload) and the folder's rows, for the
// URI in `?path=`. My files can be changed; the trash offers restore and delete for good; other
// file systems are read only here.
import {
  ActionIcon,
  Alert,
  Box,
  Breadcrumbs,
  Button,
  Center,
  Group,
  Loader,
  Stack,
  Text,
} from "@mantine/core";
import { IconFolderPlus, IconRefresh } from "@tabler/icons-react";
import { useNavigate, useSearch } from "@tanstack/react-router";
import { useCallback, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import type { FileInfo } from "../../api/client";
import { AnchorLink } from "../../components/links";
import { downloadFiles } from "../../downloads";
import { errorMessage, notifyError } from "../../lib/errors";
import { ancestors, parseUri } from "../../lib/uri";
import { openPreview } from "../../previews";
import { DropZone } from "../../uploads/DropZone";
import { UploadButton } from "../../uploads/UploadButton";
import { openShareDialog } from "../shares/shareDialogStore";
import { ConfirmDialog } from "./ConfirmDialog";
import { FileList, FOLDER, type RowAction } from "./FileList";
import { useListing } from "./listing";
import { NameDialog } from "./NameDialog";
import { createFolder, deleteFiles, renameFile, restoreFiles } from "./operations";

type Dialog =
  | { kind: "newFolder" }
  | { kind: "rename"; file: FileInfo }
  | { kind: "delete"; file: FileInfo }
  | null;

const ACTIONS: Record<string, RowAction[]> = {
  my: ["open", "download", "rename", "share", "delete"],
  trash: ["restore", "delete"],
};
const READ_ONLY: RowAction[] = ["open", "download"];

export default function Explorer() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { path } = useSearch({ from: "/app/home" });
  const parsed = parseUri(path);
  const fs = parsed?.fs ?? "my";
  const listing = useListing(path);
  const [dialog, setDialog] = useState<Dialog>(null);

  const files = useMemo(() => listing.data?.pages.flatMap((p) => p.files) ?? [], [listing.data]);
  const first = listing.data?.pages[0];
  const policyId = first?.storage_policy?.id;
  const writable = fs === "my";
  const { fetchNextPage } = listing;
  const loadMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);

  const onAction = (action: RowAction, file: FileInfo) => {
    switch (action) {
      case "open":
        if (file.type === FOLDER) navigate({ to: "/home", search: { path: file.path } });
        else if (!openPreview(file, files)) downloadFiles([file]);
        break;
      case "download":
        downloadFiles([file]);
        break;
      case "share":
        openShareDialog(file);
        break;
      case "restore":
        restoreFiles(path, [file.path]).catch(notifyError);
        break;
      case "rename":
      case "delete":
        setDialog({ kind: action, file });
        break;
    }
  };

  const crumbs = parsed ? ancestors(parsed) : [];
  const rootName = t(`nav.root.${fs === "share" ? "share" : fs}` as "nav.root.my", {
    defaultValue: t("nav.root.my"),
  });

  return (
    <Stack
      h="calc(100dvh - var(--app-shell-header-offset, 56px) - 2 * var(--mantine-spacing-md))"
      gap="sm"
    >
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Box component="nav" aria-label={t("explorer.breadcrumbs")} miw={0}>
          <Breadcrumbs separatorMargin={4}>
            {crumbs.map((uri, i) =>
              i === crumbs.length - 1 ? (
                <Text key={uri} fw={600} truncate aria-current="page">
                  {i === 0 ? rootName : parsed?.segments[i - 1]}
                </Text>
              ) : (
                <AnchorLink key={uri} to="/home" search={{ path: uri }} truncate>
                  {i === 0 ? rootName : parsed?.segments[i - 1]}
                </AnchorLink>
              ),
            )}
          </Breadcrumbs>
        </Box>
        <Group gap="xs">
          <ActionIcon
            variant="default"
            size="lg"
            onClick={() => listing.refetch()}
            aria-label={t("explorer.refresh")}
          >
            <IconRefresh size={16} />
          </ActionIcon>
          {writable && (
            <>
              <Button
                variant="default"
                leftSection={<IconFolderPlus size={16} />}
                onClick={() => setDialog({ kind: "newFolder" })}
              >
                {t("explorer.newFolder")}
              </Button>
              <UploadButton folder={path} policyId={policyId} />
            </>
          )}
        </Group>
      </Group>

      {listing.isPending ? (
        <Center flex={1}>
          <Loader aria-label={t("explorer.loading")} />
        </Center>
      ) : listing.isError ? (
        <Alert color="red" title={t("explorer.loadFailed")} role="alert">
          {errorMessage(listing.error)}
        </Alert>
      ) : files.length === 0 ? (
        <Center flex={1}>
          <Text c="dimmed">{t(fs === "trash" ? "explorer.trashEmpty" : "explorer.empty")}</Text>
        </Center>
      ) : (
        <FileList
          files={files}
          hasMore={!!listing.hasNextPage}
          loadingMore={listing.isFetchingNextPage}
          loadMore={loadMore}
          actions={ACTIONS[fs] ?? READ_ONLY}
          onAction={onAction}
        />
      )}

      {writable && (
        <DropZone
          folder={path}
          policyId={policyId}
          folderName={parsed?.segments.at(-1) ?? rootName}
        />
      )}
      {dialog?.kind === "newFolder" && (
        <NameDialog
          title={t("explorer.newFolder")}
          label={t("explorer.folderName")}
          initial=""
          submitLabel={t("common.create")}
          onSubmit={(name) => createFolder(path, name)}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog?.kind === "rename" && (
        <NameDialog
          title={t("explorer.renameTitle", { name: dialog.file.name })}
          label={t("explorer.newName")}
          initial={dialog.file.name}
          submitLabel={t("explorer.action.rename")}
          onSubmit={(name) => renameFile(path, dialog.file.path, name)}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog?.kind === "delete" && (
        <ConfirmDialog
          title={t(fs === "trash" ? "explorer.deleteForeverTitle" : "explorer.deleteTitle")}
          message={t(fs === "trash" ? "explorer.deleteForeverBody" : "explorer.deleteBody", {
            name: dialog.file.name,
          })}
          confirmLabel={t(fs === "trash" ? "explorer.deleteForever" : "explorer.action.delete")}
          onConfirm={() => deleteFiles(path, [dialog.file.path], fs === "trash")}
          onClose={() => setDialog(null)}
        />
      )}
    </Stack>
  );
}
