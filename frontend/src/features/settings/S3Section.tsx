// S3 keys: each an access key and secret for the S3 endpoint, confined to one folder whose
// subfolders are its buckets, read-only or not. A key is made in S3KeyDialog.tsx, which shows
// the secret once; the list shows the rest and deletes a key (refused at once). A user whose
// group has no S3 keys is told so instead of offering a form the server would refuse.
import { Alert, Badge, Button, Code, Group, Stack, Table, Text } from "@mantine/core";
import { IconPlus } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { deleteS3Key, type S3Key, useS3Keys } from "../../api/devices/s3Keys";
import { useSession } from "../../api/session";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { CopyIcon } from "../../components/CopyIcon";
import { errorMessage } from "../../lib/errors";
import { formatDate } from "../../lib/format";
import { canHaveS3Keys } from "./groupRights";
import { folderOf, S3KeyDialog } from "./S3KeyDialog";
import { Section } from "./Section";

export function S3Section() {
  const { t } = useTranslation();
  const allowed = canHaveS3Keys(useSession()?.user);
  const keys = useS3Keys();
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<S3Key | null>(null);
  const list = keys.data ?? [];
  return (
    <Section id="s3" title={t("settings.s3.title")} description={t("settings.s3.intro")}>
      {!allowed && (
        <Text size="sm" data-testid="s3-unavailable">
          {t("settings.s3.unavailable")}
        </Text>
      )}
      {keys.isError && (
        <Alert color="red" role="alert">
          {errorMessage(keys.error)}
        </Alert>
      )}
      {list.length === 0 ? (
        allowed &&
        keys.isSuccess && (
          <Text size="sm" c="dimmed">
            {t("settings.s3.none")}
          </Text>
        )
      ) : (
        <>
          <Endpoint address={list[0]?.endpoint} />
          <S3KeysTable keys={list} remove={setDeleting} />
        </>
      )}
      {allowed && (
        <Group>
          <Button
            leftSection={<IconPlus size={16} />}
            variant="light"
            onClick={() => setAdding(true)}
          >
            {t("settings.s3.add")}
          </Button>
        </Group>
      )}
      {adding && <S3KeyDialog onClose={() => setAdding(false)} />}
      {deleting && (
        <ConfirmDialog
          title={t("settings.s3.deleteTitle")}
          message={t("settings.s3.deleteBody", { name: deleting.name })}
          confirmLabel={t("settings.s3.delete")}
          onConfirm={() => deleteS3Key(deleting.id)}
          onClose={() => setDeleting(null)}
        />
      )}
    </Section>
  );
}

/** The endpoint's address, for setting up another app with a key made earlier. */
function Endpoint({ address }: { address: string | null | undefined }) {
  const { t } = useTranslation();
  if (!address) {
    return (
      <Text size="sm" c="dimmed">
        {t("settings.s3.endpointOff")}
      </Text>
    );
  }
  return (
    <Group gap="xs" wrap="nowrap">
      <Text size="sm">{t("settings.s3.endpoint")}</Text>
      <Code data-testid="s3-endpoint" style={{ overflowWrap: "anywhere" }}>
        {address}
      </Code>
      <CopyIcon
        value={address}
        label={t("settings.s3.copyOf", { what: t("settings.s3.endpoint") })}
        variant="default"
        size="lg"
      />
    </Group>
  );
}

function S3KeysTable({ keys, remove }: { keys: S3Key[]; remove: (key: S3Key) => void }) {
  const { t, i18n } = useTranslation();
  return (
    // On a phone only the name, the key and its delete button show; no sideways scrolling.
    <Table.ScrollContainer minWidth={300}>
      <Table verticalSpacing="xs" data-testid="s3-keys">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("settings.s3.name")}</Table.Th>
            <Table.Th>{t("settings.s3.accessKey")}</Table.Th>
            <Table.Th visibleFrom="sm">{t("settings.s3.folder")}</Table.Th>
            <Table.Th visibleFrom="sm">{t("settings.s3.lastUsed")}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {keys.map((key) => (
            <Table.Tr key={key.id}>
              <Table.Td>
                <Stack gap={2}>
                  <Text size="sm" fw={500} style={{ overflowWrap: "anywhere" }}>
                    {key.name}
                  </Text>
                  {key.readonly && (
                    <Badge size="xs" variant="light" w="fit-content">
                      {t("settings.s3.readonly")}
                    </Badge>
                  )}
                </Stack>
              </Table.Td>
              <Table.Td>
                <Text size="sm" ff="monospace" style={{ overflowWrap: "anywhere" }}>
                  {key.access_key_id}
                </Text>
              </Table.Td>
              <Table.Td visibleFrom="sm">
                <Text size="sm" style={{ overflowWrap: "anywhere" }}>
                  {key.uri ? folderOf(key.uri) : t("settings.s3.folderGone")}
                </Text>
              </Table.Td>
              <Table.Td visibleFrom="sm">
                <Text size="sm" c="dimmed">
                  {key.last_used_at
                    ? formatDate(key.last_used_at, i18n.language)
                    : t("settings.s3.neverUsed")}
                </Text>
              </Table.Td>
              <Table.Td>
                <Button
                  size="xs"
                  variant="light"
                  color="red"
                  aria-label={t("settings.s3.deleteOf", { name: key.name })}
                  onClick={() => remove(key)}
                >
                  {t("settings.s3.delete")}
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
