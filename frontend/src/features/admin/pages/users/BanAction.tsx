// Banning and unbanning from the users table: unbanning happens at once, banning asks first.
// An administrator's own row offers neither: banning oneself would lock the console's only
// door behind the person at it.
import { Text } from "@mantine/core";
import { IconBan, IconCircleCheck } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useSession } from "../../../../api/session";
import { notifyError } from "../../../../lib/errors";
import type { AdminUser } from "../../api";
import { ConfirmModal } from "../../ConfirmModal";
import { RowAction } from "../../list/RowAction";
import { isBanned, saveUser } from "./usersApi";

export function BanAction({ user, refresh }: { user: AdminUser; refresh: () => Promise<void> }) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  const me = useSession()?.user.id;
  if (user.hash_id === me) return null;
  if (isBanned(user.status)) {
    return (
      <RowAction
        tip={t("admin.users.unban")}
        label={t("admin.users.unbanNamed", { name: user.email })}
        icon={IconCircleCheck}
        color="green"
        onClick={async () => {
          try {
            await saveUser(user, { status: "active" });
            await refresh();
          } catch (e) {
            notifyError(e);
          }
        }}
      />
    );
  }
  return (
    <>
      <RowAction
        tip={t("admin.users.ban")}
        label={t("admin.users.banNamed", { name: user.email })}
        icon={IconBan}
        color="red"
        onClick={() => setAsking(true)}
      />
      {asking && (
        <ConfirmModal
          title={t("admin.users.banTitle", { name: user.email })}
          confirmLabel={t("admin.users.ban")}
          danger
          onClose={() => setAsking(false)}
          onConfirm={async () => {
            await saveUser(user, { status: "manual_banned" });
            await refresh();
          }}
        >
          <Text size="sm">{t("admin.users.banWhat")}</Text>
        </ConfirmModal>
      )}
    </>
  );
}
