// My shares: every link the user made, newest first, with its state (working, expired), views,
// downloads left; copy, open, edit and delete each.
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Center,
  Group,
  Loader,
  Stack,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from "@mantine/core";
import { IconExternalLink, IconPencil, IconTrash } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { deleteShare, type Share, shareUri, useMyShares } from "../../api/shares";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { CopyIcon } from "../../components/CopyIcon";
import { AnchorLink } from "../../components/links";
import { errorMessage, notifyError } from "../../lib/errors";
import { formatDate } from "../../lib/format";
import { editShare } from "./shareDialogStore";

export default function MyShares() {
  const { t, i18n } = useTranslation();
  const [deleting, setDeleting] = useState<Share | null>(null);
  const list = useMyShares();
  const shares = list.data?.pages.flatMap((p) => p.shares) ?? [];

  return (
    <Stack gap="md">
      <Title order={2}>{t("share.mySharesTitle")}</Title>
      {list.isPending ? (
        <Center>
          <Loader aria-label={t("explorer.loading")} />
        </Center>
      ) : list.isError ? (
        <Alert color="red" role="alert">
          {errorMessage(list.error)}
        </Alert>
      ) : shares.length === 0 ? (
        <Text c="dimmed">{t("share.none")}</Text>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="xs" highlightOnHover aria-label={t("share.mySharesTitle")}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("share.col.name")}</Table.Th>
                <Table.Th>{t("share.col.state")}</Table.Th>
                <Table.Th>{t("share.col.expires")}</Table.Th>
                <Table.Th>{t("share.col.downloads")}</Table.Th>
                <Table.Th>{t("share.col.views")}</Table.Th>
                <Table.Th>
                  <VisuallyHidden>{t("share.col.actions")}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {shares.map((share) => (
                <Table.Tr key={share.id} data-testid={`share-${share.id}`}>
                  <Table.Td maw={260}>
                    <AnchorLink
                      to="/home"
                      search={{ path: shareUri(share.id, share.password) }}
                      truncate
                    >
                      {share.name ?? share.id}
                    </AnchorLink>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
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
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      {share.expires
                        ? formatDate(share.expires, i18n.language)
                        : t("share.expiry.never")}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      {share.remain_downloads != null
                        ? t("share.downloadsLeft", { count: share.remain_downloads })
                        : t("share.unlimited")}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{share.visited}</Text>
                  </Table.Td>
                  <Table.Td>
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
                        onClick={() => setDeleting(share)}
                      >
                        <IconTrash size={16} />
                      </ActionIcon>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {list.hasNextPage && (
        <Button
          variant="default"
          loading={list.isFetchingNextPage}
          onClick={() => list.fetchNextPage().catch(notifyError)}
        >
          {t("share.more")}
        </Button>
      )}
      {deleting && (
        <ConfirmDialog
          title={t("share.deleteTitle")}
          message={t("share.deleteBody", { name: deleting.name ?? deleting.id })}
          confirmLabel={t("share.delete")}
          onConfirm={() => deleteShare(deleting.id)}
          onClose={() => setDeleting(null)}
        />
      )}
    </Stack>
  );
}
