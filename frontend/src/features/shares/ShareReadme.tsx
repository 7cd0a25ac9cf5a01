// The README of a shared folder, shown above the listing when the owner turned on "show
// README" (Cloudreve's `show_readme`): the first `README.md` (any case) of the folder on screen,
// rendered as Markdown by the preview's renderer, which sanitizes it (no script, handler or
// `javascript:` link of a user's file ever runs on the drive's page). Reading it is a download
// through the share; on a share with a download limit it is read only when the visitor asks.
import { Button, Paper, Stack, Text, Title } from "@mantine/core";
import { IconBook } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import type { FileInfo } from "../../api/client";
import { fetchText, MAX_TEXT_BYTES } from "../../api/files/content";
import { useShareFolder } from "../../api/sharing/shareVisit";
import classes from "../../components/Markdown.module.css";
import { errorMessage } from "../../lib/errors";
import { renderMarkdown } from "../../lib/markdown";

const FILE = 0;
const README = "readme.md";

export default function ShareReadme({ folder, limited }: { folder: string; limited: boolean }) {
  const listing = useShareFolder(folder);
  const readme = listing.data?.files.find(
    (f) => f.type === FILE && f.name.toLowerCase() === README && f.size <= MAX_TEXT_BYTES,
  );
  if (!readme) return null;
  return (
    // Above the listing, which fills the page: at most 40% of its height, scrolled inside.
    <Paper
      withBorder
      p="md"
      component="section"
      aria-labelledby="share-readme-title"
      mah="40vh"
      style={{ overflow: "auto", flexShrink: 0 }}
    >
      <Title order={2} size="h5" id="share-readme-title" mb="sm">
        <IconBook size={16} aria-hidden style={{ marginInlineEnd: 6, verticalAlign: "-2px" }} />
        {readme.name}
      </Title>
      <ReadmeBody key={readme.path} file={readme} askFirst={limited} />
      {listing.isError && <Text c="red">{errorMessage(listing.error)}</Text>}
    </Paper>
  );
}

function ReadmeBody({ file, askFirst }: { file: FileInfo; askFirst: boolean }) {
  const { t } = useTranslation();
  const [wanted, setWanted] = useState(!askFirst);
  const text = useQuery({
    queryKey: ["share-readme-text", file.path, file.primary_entity ?? ""],
    queryFn: ({ signal }) => fetchText(file.path, signal),
    enabled: wanted,
    retry: false,
    staleTime: Number.POSITIVE_INFINITY,
  });
  const html = useMemo(() => (text.data ? renderMarkdown(text.data) : ""), [text.data]);
  if (!wanted) {
    return (
      <Stack gap="xs" align="flex-start">
        <Text size="sm" c="dimmed">
          {t("shareReadme.countsDownload")}
        </Text>
        <Button variant="default" size="xs" onClick={() => setWanted(true)}>
          {t("shareReadme.show")}
        </Button>
      </Stack>
    );
  }
  if (text.isPending) return <Text c="dimmed">{t("explorer.loading")}</Text>;
  if (text.isError) return <Text c="red">{errorMessage(text.error)}</Text>;
  return (
    <article
      className={`${classes.markdown} ${classes.markdownInCard}`}
      data-testid="share-readme"
      // biome-ignore lint/security/noDangerouslySetInnerHtml: sanitized by DOMPurify in renderMarkdown.
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}
