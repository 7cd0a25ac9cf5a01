// Heads the settings page while the guard keeps one of the user's devices or apps stopped: how
// many, and a link down to Security incidents, where each is undone or released. On a site
// without mail this and the banner over the files are how the user learns of it.
import { Alert, Anchor } from "@mantine/core";
import { IconShieldExclamation } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { useOpenIncidents } from "../../api/guard";

/** Plural: `settings.incidents.open_one` and `_other`, chosen by `count`. */
const OPEN = "settings.incidents.open";

export function OpenIncidents() {
  const { t } = useTranslation();
  const open = useOpenIncidents();
  const count = open.data?.length ?? 0;
  if (count === 0) return null;
  return (
    <Alert
      color="red"
      icon={<IconShieldExclamation size={20} />}
      data-testid="open-incidents"
      title={t("settings.incidents.title")}
    >
      {t(OPEN, { count })}{" "}
      <Anchor
        href="#settings-incidents"
        size="sm"
        onClick={(event) => {
          event.preventDefault();
          document.getElementById("settings-incidents")?.scrollIntoView({ block: "start" });
        }}
      >
        {t("settings.incidents.review")}
      </Anchor>
    </Alert>
  );
}
