// The results of a content search, in a drawer beside the folder: each hit with its icon, name,
// the folder it is in (a link there) and the matched text with the words marked; "more" while
// the server says more may follow. Opening a hit opens its folder and the file's preview.
import "@mantine/core/styles/Drawer.css";
import {
  Alert,
  Anchor,
  Button,
  Drawer,
  Group,
  Loader,
  Mark,
  Paper,
  Stack,
  Text,
  UnstyledButton,
} from "@mantine/core";
import { IconSearch } from "@tabler/icons-react";
import { useNavigate } from "@tanstack/react-router";
import { useTranslation } from "react-i18next";
import { ApiError, type FileInfo } from "../../../api/client";
import {
  type ContentQuery,
  type SearchHit,
  useContentSearch,
} from "../../../api/files/contentSearch";
import { downloadFiles } from "../../../lib/downloads";
import { errorMessage } from "../../../lib/errors";
import { parseUri } from "../../../lib/uri";
import { type ExplorerHandle, tryOpeners } from "../actions";
import { FileIcon } from "../list/FileIcon";
import { folderOf, shownPath, snippetParts } from "./contentSearch";

/** The search route's answer while the site has full-text search off. */
const NOT_ENABLED = 40019;

type Props = {
  query: ContentQuery | null;
  onClose: () => void;
  /** Searches the same words in names instead. */
  onNames: () => void;
};

/** Plural: `explorer.contentSearch.all_one` and `_other`, chosen by `count`. */
const ALL = "explorer.contentSearch.all";

export function ContentResults({ query, onClose, onNames }: Props) {
  const { t } = useTranslation();
  return (
    <Drawer
      opened={query !== null}
      onClose={onClose}
      position="right"
      size="lg"
      title={
        <Text fw={600} truncate>
          {query?.query
            ? t("explorer.contentSearch.title", { query: query.query })
            : t("explorer.contentSearch.titleEmpty")}
        </Text>
      }
      closeButtonProps={{ "aria-label": t("explorer.close") }}
    >
      <Stack gap="sm" data-testid="content-results">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Text size="sm" c="dimmed">
            {t("explorer.contentSearch.how")}
          </Text>
          <Button
            size="compact-sm"
            variant="subtle"
            leftSection={<IconSearch size={14} />}
            onClick={onNames}
          >
            {t("explorer.contentSearch.names")}
          </Button>
        </Group>
        {query && <ResultsBody query={query} onClose={onClose} />}
      </Stack>
    </Drawer>
  );
}

function ResultsBody({ query, onClose }: { query: ContentQuery; onClose: () => void }) {
  const { t } = useTranslation();
  const search = useContentSearch(query);
  const open = useOpenHit(onClose);
  if (!query.query.trim()) return <Hint text={t("explorer.contentSearch.empty")} />;
  if (search.isPending) return <Loader size="sm" aria-label={t("explorer.loading")} />;
  if (search.isError) {
    const off = search.error instanceof ApiError && search.error.code === NOT_ENABLED;
    return (
      <Alert color={off ? "yellow" : "red"} role="alert">
        {off ? t("explorer.contentSearch.off") : errorMessage(search.error)}
      </Alert>
    );
  }
  const hits = search.data.pages.flatMap((p) => p.hits);
  if (hits.length === 0) return <Hint text={t("explorer.contentSearch.none")} />;
  const total = search.data.pages.at(-1)?.total ?? hits.length;
  return (
    <Stack gap="xs">
      <Text size="sm" c="dimmed" aria-live="polite" data-testid="content-count">
        {/* Every hit shown: the count is exact, not "1 of about 1". */}
        {!search.hasNextPage && hits.length >= total
          ? t(ALL, { count: hits.length })
          : t("explorer.contentSearch.count", { shown: hits.length, total })}
      </Text>
      {hits.map((hit) => (
        <HitRow key={hit.file.id} hit={hit} onOpen={open} onFolder={onClose} />
      ))}
      {search.hasNextPage && (
        <Button
          variant="default"
          loading={search.isFetchingNextPage}
          onClick={() => search.fetchNextPage()}
        >
          {t("explorer.contentSearch.more")}
        </Button>
      )}
    </Stack>
  );
}

function Hint({ text }: { text: string }) {
  return (
    <Text size="sm" c="dimmed" ta="center" py="lg">
      {text}
    </Text>
  );
}

function HitRow({
  hit,
  onOpen,
  onFolder,
}: {
  hit: SearchHit;
  onOpen: (f: FileInfo) => void;
  onFolder: () => void;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const folder = folderOf(hit.file.path);
  return (
    <Paper withBorder p="sm" data-testid="content-hit">
      <Stack gap={4}>
        <UnstyledButton
          onClick={() => onOpen(hit.file)}
          aria-label={t("explorer.contentSearch.open", { name: hit.file.name })}
        >
          <Group gap="xs" wrap="nowrap">
            <FileIcon file={hit.file} size={20} />
            <Text fw={600} truncate>
              {hit.file.name}
            </Text>
          </Group>
        </UnstyledButton>
        <Anchor
          size="xs"
          c="dimmed"
          truncate
          data-testid="content-hit-folder"
          onClick={() => {
            onFolder();
            void navigate({ to: "/home", search: { path: folder } });
          }}
        >
          {t("explorer.contentSearch.in", { folder: shownPath(folder) })}
        </Anchor>
        <Snippet content={hit.content} />
      </Stack>
    </Paper>
  );
}

/** The matched text: only the server's `<em>` marks become marks; the rest is plain text. */
function Snippet({ content }: { content: string }) {
  return (
    <Text
      size="sm"
      style={{ overflowWrap: "anywhere" }}
      lineClamp={4}
      data-testid="content-hit-snippet"
    >
      {snippetParts(content).map((part, i) =>
        part.mark ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts never reorder
          <Mark key={i}>{part.text}</Mark>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts never reorder
          <span key={i}>{part.text}</span>
        ),
      )}
    </Text>
  );
}

/** Opens a hit: its folder in the explorer, then the file through the previews. */
function useOpenHit(onClose: () => void) {
  const navigate = useNavigate();
  return (file: FileInfo) => {
    onClose();
    const folder = folderOf(file.path);
    void navigate({ to: "/home", search: { path: folder } }).then(() => {
      const handle: ExplorerHandle = {
        open: () => {},
        show: () => {},
        run: (change) => change(),
        setClipboard: () => {},
        clipboard: null,
      };
      const ctx = { folder, fs: parseUri(folder)?.fs ?? "my", files: [file], explorer: handle };
      if (!tryOpeners(file, ctx, [file])) void downloadFiles([file]);
    });
  };
}
