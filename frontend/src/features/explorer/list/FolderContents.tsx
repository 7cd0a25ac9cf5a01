// The folder's rows under the toolbar: the selection bar floating over them, and the list, or
// the gallery (loaded when first shown), or a loader, the error, or what an empty folder says.
import { Alert, Center, Loader, Stack, Text } from "@mantine/core";
import { lazy, Suspense, useRef } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, type FileInfo } from "../../../api/client";
import { errorMessage } from "../../../lib/errors";
import type { ActionContext } from "../actions";
import { SelectionBar } from "../selection/SelectionBar";
import { FileList } from "./FileList";
import { useTakeFocus } from "./keyNav";

const Gallery = lazy(() => import("../gallery/Gallery"));

export type EmptyKey =
  | "explorer.search.none"
  | "explorer.trashEmpty"
  | "explorer.sharedEmpty"
  | "explorer.empty";

type ListProps = Omit<Parameters<typeof FileList>[0], "files">;

type Props = {
  files: FileInfo[];
  status: {
    pending: boolean;
    failed: boolean;
    error: unknown;
    complete: boolean;
    /** What a 404 says instead of "It no longer exists" (a folder no longer shared). */
    goneKey?: "explorer.noLongerShared";
  };
  emptyKey: EmptyKey;
  ctx: ActionContext;
  selectingAll: boolean;
  onSelectAll: () => void;
  onClearSelection: () => void;
  list: ListProps;
};

export function FolderContents({ files, status, emptyKey, ctx, list, ...bar }: Props) {
  const { t } = useTranslation();
  return (
    // The selection bar floats over this column, never over the info panel.
    <Stack gap={0} flex={1} miw={0} pos="relative">
      {/* A folder that failed to list has nothing left to act on. */}
      {!status.failed && (list.selection.chosen.length > 0 || bar.selectingAll) && (
        <SelectionBar
          ctx={ctx}
          total={files.length}
          complete={status.complete}
          selectingAll={bar.selectingAll}
          onSelectAll={bar.onSelectAll}
          onClear={bar.onClearSelection}
        />
      )}
      {status.pending ? (
        <Center flex={1}>
          <Loader aria-label={t("explorer.loading")} />
        </Center>
      ) : status.failed ? (
        <Alert color="red" title={t("explorer.loadFailed")} role="alert">
          {status.goneKey && status.error instanceof ApiError && status.error.code === 404
            ? t(status.goneKey)
            : errorMessage(status.error)}
        </Alert>
      ) : files.length === 0 ? (
        <Empty text={t(emptyKey)} list={list} />
      ) : list.mode === "gallery" ? (
        <Suspense
          fallback={
            <Center flex={1}>
              <Loader aria-label={t("explorer.loading")} />
            </Center>
          }
        >
          <Gallery files={files} {...list} />
        </Suspense>
      ) : (
        <FileList files={files} {...list} />
      )}
    </Stack>
  );
}

/**
 * What an empty folder says. It holds the keys when the keyboard opened the folder, so
 * Backspace still goes up (and Ctrl+V pastes) where there is no row to focus.
 */
function Empty({ text, list }: { text: string; list: ListProps }) {
  const box = useRef<HTMLDivElement>(null);
  useTakeFocus(list.refocus, box, "");
  return (
    <Center
      ref={box}
      flex={1}
      tabIndex={-1}
      data-testid="folder-empty"
      onKeyDown={(e) => list.onKeyDown(e, 1)}
    >
      <Text c="dimmed">{text}</Text>
    </Center>
  );
}
