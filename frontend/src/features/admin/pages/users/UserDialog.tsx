// Create or edit one account: e-mail, nick, group, status, a new password; for an existing
// account also its storage against the group's quota (with a recount), its snapshots (with
// delete), what it shares with people and receives (with remove) and turning 2FA off.
import { Alert, Button, Group, Modal, Stack } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { AnchorLink } from "../../../../components/links";
import type { AdminGroup, AdminUser } from "../../api";
import { adminErrorMessage } from "../../errors";
import { UserIdentity, UserQuota, UserTwoFa } from "./UserFields";
import { UserGrants } from "./UserGrants";
import { UserSnapshots } from "./UserSnapshots";
import { useUserForm } from "./useUserForm";

type Props = {
  /** null: a new account. */
  user: AdminUser | null;
  groups: AdminGroup[];
  onClose: () => void;
  onSaved: () => void;
};

export function UserDialog({ user, groups, onClose, onSaved }: Props) {
  const { t } = useTranslation();
  const form = useUserForm({ user, onClose, onSaved });
  const { current } = form;
  return (
    <Modal
      opened
      onClose={onClose}
      title={
        current ? t("admin.users.editTitle", { name: current.email }) : t("admin.users.create")
      }
      size="lg"
      centered
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          form.submit();
        }}
        noValidate
      >
        <Stack gap="sm">
          <UserIdentity form={form} isNew={!user} groups={groups} />
          {current?.capacity && <UserQuota capacity={current.capacity} onRecount={form.recount} />}
          {current && <UserSnapshots userId={current.id} />}
          {current && <UserGrants userId={current.id} />}
          {current?.two_fa_enabled && <UserTwoFa form={form} />}
          {current && (
            <AnchorLink
              to="/admin/$"
              params={{ _splat: "events" }}
              search={{ event_user_id: current.id }}
              size="sm"
              onClick={onClose}
            >
              {t("admin.users.auditLog")}
            </AnchorLink>
          )}
          {form.error !== null && (
            <Alert color="red" role="alert" title={t("admin.refused")}>
              {adminErrorMessage(form.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("common.cancel")}
            </Button>
            <Button type="submit" loading={form.busy}>
              {current ? t("admin.save") : t("admin.users.create")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
