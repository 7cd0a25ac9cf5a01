// Under the guard's settings: who will not be told of an incident. Without a mail server the
// users whose devices are stopped get no e-mail (only the banner over their files and their
// Settings say it); without an enabled notification channel taking `guard_tripped` the
// administrators get nothing but the dashboard's card and the Incidents page.
import { Alert, Stack } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { AnchorLink } from "../../../../components/links";
import { listChannels } from "../notifications/channelsApi";
import type { Values } from "./useSectionForm";

export function GuardNotice({ saved }: { saved: Values }) {
  const { t } = useTranslation();
  const channels = useQuery({
    queryKey: ["admin", "notification-channels", "guard"],
    queryFn: () => listChannels({ page: 1, page_size: 100, order_by: "id" }),
    select: (page) => page.rows.some((c) => c.enabled && c.events.includes("guard_tripped")),
  });
  const noMail = !(saved.smtpHost ?? "").trim();
  const noChannel = channels.isSuccess && !channels.data;
  if (!noMail && !noChannel) return null;
  return (
    <Stack gap="xs" data-testid="guard-notice">
      {noMail && <Alert color="yellow">{t("admin.settings.guardNotice.noMail")}</Alert>}
      {noChannel && (
        <Alert color="yellow">
          {t("admin.settings.guardNotice.noChannel")}{" "}
          <AnchorLink to="/admin/$" params={{ _splat: "notifications" }} size="sm">
            {t("admin.settings.guardNotice.channels")}
          </AnchorLink>
        </Alert>
      )}
    </Stack>
  );
}
