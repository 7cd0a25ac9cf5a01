// Create or edit a group: name, quota, download speed limit, storage policy, every permission
// named in words, and the group settings (trash retention, batch sizes, archive limits); whether
// the guard against mass deletion leaves its members alone (set in the site settings).
import { Alert, Button, Group, Loader, Modal, Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { adminErrorMessage } from "../../errors";
import { GroupBasics, GroupPermissions, GroupSettingsFields } from "./GroupFields";
import { type GroupForm, type GroupFormValues, useGroupForm } from "./groupForm";
import { useGuardExemptGroups } from "./groupsApi";

type Props = { groupId: number | null; onClose: () => void; onSaved: () => void };

export function GroupDialog({ groupId, onClose, onSaved }: Props) {
  const { t } = useTranslation();
  const group = useGroupForm({ groupId, onClose, onSaved });
  const { existing, form } = group;
  const title =
    groupId === null
      ? t("admin.groups.create")
      : t("admin.groups.editTitle", { name: existing.data?.name ?? "" });

  return (
    <Modal opened onClose={onClose} title={title} size="xl" centered>
      {form ? (
        <GroupFormBody group={group} form={form} groupId={groupId} onClose={onClose} />
      ) : existing.isError ? (
        <Alert color="red" role="alert">
          {adminErrorMessage(existing.error)}
        </Alert>
      ) : (
        <Group justify="center" p="lg">
          <Loader size="sm" aria-label={t("admin.list.loading")} />
        </Group>
      )}
    </Modal>
  );
}

function GroupFormBody(props: {
  group: GroupForm;
  form: GroupFormValues;
  groupId: number | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { group, form } = props;
  const members = group.existing.data?.total_users;
  const exempt = useGuardExemptGroups().data ?? [];
  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        group.submit();
      }}
    >
      <Stack gap="md">
        {members !== undefined && (
          <Text size="sm" c="dimmed">
            {t("admin.groups.members", { count: members })}
          </Text>
        )}
        {props.groupId !== null && exempt.includes(props.groupId) && (
          <Alert color="yellow" variant="light">
            {t("admin.groups.guardExempt")}
          </Alert>
        )}
        <GroupBasics group={group} form={form} />
        <GroupPermissions group={group} form={form} />
        <GroupSettingsFields group={group} form={form} />
        {group.error !== null && (
          <Alert color="red" role="alert" title={t("admin.refused")}>
            {adminErrorMessage(group.error)}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose}>
            {t("common.cancel")}
          </Button>
          <Button type="submit" loading={group.busy}>
            {props.groupId === null ? t("admin.groups.create") : t("admin.save")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
