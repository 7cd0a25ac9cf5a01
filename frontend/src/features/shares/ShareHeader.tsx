// The band at the top of a share page: the owner, the share's name, its expiry and downloads
// left, and what the visitor can do with it (nothing but upload on an upload-only share).
import { Avatar, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useSession } from "../../api/session";
import type { Share } from "../../api/sharing/shares";
import { avatarUrl } from "../../lib/avatar";
import { formatDate } from "../../lib/format";
import { DownloadAll, SaveToDrive } from "./ShareActions";

export function ShareHeader({
  share,
  id,
  password,
}: {
  share: Share;
  id: string;
  password?: string;
}) {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const isOwner = session?.user.id === share.owner.id;
  const name = share.name ?? id;
  return (
    <Paper withBorder p="sm" component="section" aria-label={t("share.landingLabel")}>
      <Group justify="space-between" wrap="wrap" gap="sm">
        <Group gap="sm" wrap="nowrap" miw={0}>
          <Avatar src={avatarUrl(share.owner)} alt="" radius="xl">
            {share.owner.nickname.slice(0, 1).toUpperCase()}
          </Avatar>
          <Stack gap={0} miw={0}>
            <Title order={2} size="h4" lineClamp={1}>
              {share.name}
            </Title>
            <Text size="sm" c="dimmed">
              {t("share.sharedBy", { name: share.owner.nickname })}
              {" · "}
              {share.expires
                ? t("share.expiresOn", { date: formatDate(share.expires, i18n.language) })
                : t("share.noExpiry")}
              {share.remain_downloads != null &&
                ` · ${t("share.downloadsLeft", { count: share.remain_downloads })}`}
            </Text>
          </Stack>
        </Group>
        {!share.upload_only && (
          <Group gap="xs">
            <DownloadAll id={id} password={password} name={name} />
            {session && !isOwner && (
              <SaveToDrive id={id} password={password} name={name} owner={share.owner.id} />
            )}
            {!session && (
              <Text size="sm" c="dimmed">
                {t("share.signInToSave")}
              </Text>
            )}
          </Group>
        )}
      </Group>
    </Paper>
  );
}
