// The WebDAV accounts as a table: name (and read-only), folder (a path, as the S3 keys show it),
// date, and the buttons that show how to connect, change and delete each.
import { ActionIcon, Badge, Button, Group, Table, Text, VisuallyHidden } from "@mantine/core";
import { IconPencil, IconTrash } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { bit, type DavAccount, READONLY } from "./davAccounts";
import { folderOf } from "./S3KeyDialog";

export function DavAccountsTable({
  accounts,
  connect,
  edit,
  remove,
}: {
  accounts: DavAccount[];
  connect: (account: DavAccount) => void;
  edit: (account: DavAccount) => void;
  remove: (account: DavAccount) => void;
}) {
  const { t, i18n } = useTranslation();
  return (
    <Table.ScrollContainer minWidth={520}>
      <Table aria-label={t("settings.dav.title")}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("settings.dav.name")}</Table.Th>
            <Table.Th>{t("settings.dav.folder")}</Table.Th>
            <Table.Th>{t("settings.dav.created")}</Table.Th>
            <Table.Th>
              <VisuallyHidden>{t("share.col.actions")}</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {accounts.map((account) => (
            <Table.Tr key={account.id}>
              <Table.Td>
                <Group gap={4}>
                  <Text size="sm">{account.name}</Text>
                  {bit(account.options, READONLY) && (
                    <Badge size="xs" variant="outline">
                      {t("settings.dav.readonly")}
                    </Badge>
                  )}
                </Group>
              </Table.Td>
              <Table.Td>
                <Text size="sm" truncate maw={220} title={account.uri}>
                  {folderOf(account.uri)}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">
                  {new Date(account.created_at).toLocaleDateString(i18n.language)}
                </Text>
              </Table.Td>
              <Table.Td>
                <Group gap={4} wrap="nowrap" justify="flex-end">
                  <Button size="xs" variant="light" onClick={() => connect(account)}>
                    {t("settings.dav.connect")}
                  </Button>
                  <ActionIcon
                    variant="subtle"
                    color="gray"
                    aria-label={t("settings.dav.editOf", { name: account.name })}
                    onClick={() => edit(account)}
                  >
                    <IconPencil size={16} />
                  </ActionIcon>
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    aria-label={t("settings.dav.deleteOf", { name: account.name })}
                    onClick={() => remove(account)}
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
  );
}
