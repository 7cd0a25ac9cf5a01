// My shares: every link the user made, newest first, with its state (working, expired, upload
// only), expiry, visits and downloads; copy, open, edit, re-enable (an expired one) and revoke
// each in one click.
import {
  Alert,
  Button,
  Center,
  Loader,
  Stack,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { deleteShare, type Share, useMyShares } from "../../api/sharing/shares";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { errorMessage, notifyError } from "../../lib/errors";
import { ShareRow } from "./ShareRow";

export default function MyShares() {
  const { t } = useTranslation();
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
        <SharesTable shares={shares} onDelete={setDeleting} />
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

function SharesTable({ shares, onDelete }: { shares: Share[]; onDelete: (s: Share) => void }) {
  const { t } = useTranslation();
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table verticalSpacing="xs" highlightOnHover aria-label={t("share.mySharesTitle")}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("share.col.name")}</Table.Th>
            <Table.Th>{t("share.col.state")}</Table.Th>
            <Table.Th>{t("share.col.expires")}</Table.Th>
            <Table.Th>{t("share.col.views")}</Table.Th>
            <Table.Th>{t("share.col.downloads")}</Table.Th>
            <Table.Th>
              <VisuallyHidden>{t("share.col.actions")}</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {shares.map((share) => (
            <ShareRow key={share.id} share={share} onDelete={onDelete} />
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
