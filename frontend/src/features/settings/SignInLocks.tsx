// The sign-in locks on the account: after too many failed sign-ins the server refuses an
// address (or the password from new addresses) for a while. Said here, with when each ends,
// so a lock is never silent; shown only while one holds.
import { Alert, List, Text } from "@mantine/core";
import { IconLock } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import type { Schemas } from "../../api/client";
import { formatDate } from "../../lib/format";

export function SignInLocks({ locks }: { locks: Schemas["SignInLock"][] }) {
  const { t } = useTranslation();
  if (locks.length === 0) return null;
  return (
    <Alert
      color="yellow"
      icon={<IconLock size={18} />}
      title={t("settings.signInLocks.title")}
      role="status"
    >
      <List size="sm" spacing={4}>
        {locks.map((lock) => (
          <List.Item key={`${lock.scope}-${lock.ip ?? ""}`}>
            {lock.scope === "account"
              ? t("settings.signInLocks.account", { until: formatDate(lock.until) })
              : t("settings.signInLocks.address", {
                  ip: lock.ip,
                  until: formatDate(lock.until),
                })}
          </List.Item>
        ))}
      </List>
      <Text size="sm" mt="xs">
        {t("settings.signInLocks.devices")}
      </Text>
    </Alert>
  );
}
