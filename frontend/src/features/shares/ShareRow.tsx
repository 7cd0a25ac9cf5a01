// One row of My shares: name, state badges, expiry, visit and download counts, and the actions
// (copy the link, open it, re-enable an expired share for a week, edit, revoke).
import { ActionIcon, Badge, Group, Stack, Table, Text, Tooltip } from "@mantine/core";
import { IconClockPlay, IconExternalLink, IconPencil, IconTrash } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { type Share, shareUri } from "../../api/sharing/shares";
import { CopyIcon } from "../../components/CopyIcon";
import { AnchorLink } from "../../components/links";
import { formatBytes, formatDate } from "../../lib/format";
import { editShare } from "./shareDialogStore";
import { useReenable } from "./useReenable";

/** A plural key (`_one`, `_other`), which the key check cannot see by name. */
const DOWNLOADED = "shareMore.downloaded";

export function ShareRow({ share, onDelete }: { share: Share; onDelete: (s: Share) => void }) {
  const { t, i18n } = useTranslation();
  return (
    <Table.Tr data-testid={`share-${share.id}`}>
      <Table.Td maw={260}>
        <AnchorLink to="/home" search={{ path: shareUri(share.id, share.password) }} truncate>
          {share.name ?? share.id}
        </AnchorLink>
      </Table.Td>
      <Table.Td>
        <ShareBadges share={share} />
      </Table.Td>
      <Table.Td>
        <Text size="sm">
          {share.expires ? formatDate(share.expires, i18n.language) : t("share.expiry.never")}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" data-testid="share-visits">
          {share.visited}
        </Text>
      </Table.Td>
      <Table.Td>
        <Counts share={share} />
      </Table.Td>
      <Table.Td>
        <RowActions share={share} onDelete={onDelete} />
      </Table.Td>
    </Table.Tr>
  );
}

function ShareBadges({ share }: { share: Share }) {
  const { t } = useTranslation();
  // Badges wrap rather than shrink: a shrunk badge cuts its word off on a phone.
  return (
    <Group gap={4} wrap="wrap" miw={90}>
      {share.expired ? (
        <Badge variant="dot" color="gray">
          {t("share.state.expired")}
        </Badge>
      ) : (
        <Badge variant="dot" color="green">
          {t("share.state.active")}
        </Badge>
      )}
      {share.password && <Badge variant="outline">{t("share.state.locked")}</Badge>}
      {share.upload_only && (
        <Badge variant="light" color="violet">
          {t("shareMore.uploadBadge")}
        </Badge>
      )}
    </Group>
  );
}

/** Downloads made and left; for an upload-only share, the bytes received (of its cap). */
function Counts({ share }: { share: Share }) {
  const { t } = useTranslation();
  if (share.upload_only) {
    const got = formatBytes(share.uploaded ?? 0);
    return (
      <Text size="sm">
        {share.upload_limit
          ? t("shareMore.receivedOf", { got, cap: formatBytes(share.upload_limit) })
          : t("shareMore.received", { got })}
      </Text>
    );
  }
  return (
    <Stack gap={0}>
      <Text size="sm" data-testid="share-downloads">
        {t(DOWNLOADED, { count: share.downloaded ?? 0 })}
      </Text>
      <Text size="xs" c="dimmed">
        {share.remain_downloads != null
          ? t("share.downloadsLeft", { count: share.remain_downloads })
          : t("share.unlimited")}
      </Text>
    </Stack>
  );
}

function RowActions({ share, onDelete }: { share: Share; onDelete: (s: Share) => void }) {
  const { t } = useTranslation();
  const reenable = useReenable(share);
  return (
    <Group gap={4} wrap="nowrap" justify="flex-end">
      <CopyIcon
        value={share.url}
        label={t("share.copyLinkOf", { name: share.name })}
        tooltip={t("share.copy")}
        variant="subtle"
        color="gray"
      />
      <ActionIcon
        component="a"
        href={share.url}
        target="_blank"
        rel="noreferrer"
        variant="subtle"
        color="gray"
        aria-label={t("share.openLinkOf", { name: share.name })}
      >
        <IconExternalLink size={16} />
      </ActionIcon>
      {share.expired && (
        <Tooltip label={t("shareMore.reenable")}>
          <ActionIcon
            variant="subtle"
            color="teal"
            loading={reenable.busy}
            aria-label={t("shareMore.reenableOf", { name: share.name })}
            onClick={reenable.run}
          >
            <IconClockPlay size={16} />
          </ActionIcon>
        </Tooltip>
      )}
      <ActionIcon
        variant="subtle"
        color="gray"
        aria-label={t("share.editOf", { name: share.name })}
        onClick={() => editShare(share)}
      >
        <IconPencil size={16} />
      </ActionIcon>
      <ActionIcon
        variant="subtle"
        color="red"
        aria-label={t("share.deleteOf", { name: share.name })}
        onClick={() => onDelete(share)}
      >
        <IconTrash size={16} />
      </ActionIcon>
    </Group>
  );
}
