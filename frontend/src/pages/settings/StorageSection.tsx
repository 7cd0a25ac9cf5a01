// Storage used, against the quota.
import { Progress, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "../../api/client";
import { formatBytes, usedPercent } from "../../lib/format";
import { Section } from "./Section";

export function StorageSection() {
  const { t } = useTranslation();
  const capacity = useQuery({
    queryKey: ["capacity"],
    queryFn: () => unwrap(api.GET("/user/capacity")),
  });
  const used = capacity.data?.used ?? 0;
  const total = capacity.data?.total ?? 0;
  const percent = usedPercent(used, total);
  return (
    <Section id="storage" title={t("settings.storage.title")}>
      {capacity.data && (
        <>
          <Text size="sm" data-testid="storage-used">
            {t("shell.storage", { used: formatBytes(used), total: formatBytes(total) })}
            {" · "}
            {t("settings.storage.percent", { percent: percent.toFixed(1) })}
          </Text>
          <Progress aria-label={t("shell.storageBar")} value={percent} size="lg" />
        </>
      )}
    </Section>
  );
}
