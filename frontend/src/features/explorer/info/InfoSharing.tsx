// The info panel's sharing section: the owner's share links of this file or folder (from the
// newest page of "My shares"), each with its link, views and downloads and when it expires.
import { Group, Paper, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { FOLDER } from "../../../api/files/listing";
import { type Share, useMyShares } from "../../../api/sharing/shares";
import { CopyIcon } from "../../../components/CopyIcon";
import { formatDate } from "../../../lib/format";
import { parseUri } from "../../../lib/uri";

/**
 * Whether `share` is a link to the file at `uri`. As in Cloudreve, a file share's source is its
 * folder and the file's name is added to it; a folder share's source is the folder itself.
 */
function sharesFile(share: Share, uri: string): boolean {
  const source = parseUri(share.source_uri ?? "");
  const target = parseUri(uri);
  if (!source || !target || source.fs !== target.fs) return false;
  const path = share.source_type === FOLDER ? source.segments : [...source.segments, share.name];
  return path.join("/") === target.segments.join("/");
}

export function InfoSharing({ uri }: { uri: string }) {
  const { t, i18n } = useTranslation();
  const shares = useMyShares();
  const mine = (shares.data?.pages ?? [])
    .flatMap((p) => p.shares ?? [])
    .filter((s) => sharesFile(s, uri));
  return (
    <section aria-labelledby="sharing-title" data-testid="info-sharing">
      <Title order={4} id="sharing-title" mb="xs">
        {t("explorer.sharing.title")}
      </Title>
      {mine.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t("explorer.sharing.none")}
        </Text>
      ) : (
        <Stack gap="xs">
          {mine.map((s) => (
            <Paper key={s.id} withBorder p="xs">
              <Group gap={4} wrap="nowrap">
                <Text size="sm" flex={1} style={{ overflowWrap: "anywhere" }}>
                  {s.url}
                </Text>
                <CopyIcon
                  value={s.url}
                  label={t("explorer.info.copyLink")}
                  variant="subtle"
                  color="gray"
                />
              </Group>
              <Text size="xs" c="dimmed">
                {t("explorer.sharing.counts", { visited: s.visited, downloaded: s.downloaded })}
                {s.expires
                  ? ` · ${t("explorer.sharing.expires", { date: formatDate(s.expires, i18n.language) })}`
                  : ""}
              </Text>
            </Paper>
          ))}
        </Stack>
      )}
    </section>
  );
}
