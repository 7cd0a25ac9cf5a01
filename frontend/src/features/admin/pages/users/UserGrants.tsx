// One account's sharing with people in the user dialog: what they shared (the item, with whom,
// how) and what others shared with them (directly or through their group), each with Remove
// after a question. Removing ends the recipients' access at once.
import { Button, Group, Stack, Table, Text } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Schemas } from "../../../../api/client";
import { readablePath } from "../../../../api/tasks/tasks";
import { ConfirmModal } from "../../ConfirmModal";
import { deleteGrant, useUserGrants } from "./usersApi";

type AdminGrant = Schemas["AdminGrant"];

export function UserGrants({ userId }: { userId: number }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [removing, setRemoving] = useState<AdminGrant | null>(null);
  const grants = useUserGrants(userId);
  const given = grants.data?.given ?? [];
  const received = grants.data?.received ?? [];
  return (
    <Stack gap={4} data-testid="user-grants">
      <Text size="sm" fw={500}>
        {t("admin.users.grants")}
      </Text>
      {given.length === 0 && received.length === 0 && (
        <Text size="sm" c="dimmed">
          {t("admin.users.grantsNone")}
        </Text>
      )}
      {given.length > 0 && (
        <GrantTable
          title={t("admin.users.grantsGiven")}
          rows={given}
          given
          onRemove={setRemoving}
        />
      )}
      {received.length > 0 && (
        <GrantTable
          title={t("admin.users.grantsReceived")}
          rows={received}
          given={false}
          onRemove={setRemoving}
        />
      )}
      {removing && (
        <ConfirmModal
          title={t("admin.users.grantRemoveTitle")}
          confirmLabel={t("admin.users.grantRemove")}
          danger
          onConfirm={async () => {
            await deleteGrant(removing.id);
            await queryClient.invalidateQueries({ queryKey: ["admin", "grants", userId] });
          }}
          onClose={() => setRemoving(null)}
        >
          <Text size="sm">
            {t("admin.users.grantRemoveBody", {
              name: removing.file_name ?? "",
              who: person(removing, true),
            })}
          </Text>
        </ConfirmModal>
      )}
    </Stack>
  );
}

/** Who is on the other side of a grant: the recipient of one given, the owner of one received. */
function person(g: AdminGrant, given: boolean): string {
  if (!given) return g.owner ? `${g.owner.nick} <${g.owner.email}>` : "";
  if (g.user) return `${g.user.nick} <${g.user.email}>`;
  return g.group?.name ?? "";
}

function GrantTable(props: {
  title: string;
  rows: AdminGrant[];
  given: boolean;
  onRemove: (g: AdminGrant) => void;
}) {
  const { t } = useTranslation();
  return (
    <Table.ScrollContainer minWidth={520}>
      <Text size="xs" c="dimmed">
        {props.title}
      </Text>
      <Table fz="sm" verticalSpacing={4} style={{ whiteSpace: "nowrap" }}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("admin.users.grantItem")}</Table.Th>
            <Table.Th>
              {props.given ? t("admin.users.grantTo") : t("admin.users.grantFrom")}
            </Table.Th>
            <Table.Th>{t("admin.users.grantAccess")}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {props.rows.map((g) => (
            <Table.Tr key={g.id} data-testid="user-grant">
              <Table.Td>{g.path ? readablePath(g.path) : (g.file_name ?? "")}</Table.Td>
              <Table.Td>{person(g, props.given)}</Table.Td>
              <Table.Td>
                {g.access === "write" ? t("admin.users.grantWrite") : t("admin.users.grantRead")}
              </Table.Td>
              <Table.Td>
                <Group justify="flex-end">
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    color="red"
                    onClick={() => props.onRemove(g)}
                  >
                    {t("admin.users.grantRemove")}
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
