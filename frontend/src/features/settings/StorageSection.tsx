// Storage used, against the quota, and what snapshots hold: the bytes that only snapshots keep
// alive (the sum of each snapshot's exclusive size), which count toward the quota.
import { Progress, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useCapacity } from "../../api/account/capacity";
import { useAllSnapshots } from "../../api/snapshots";
import { formatBytes, usedPercent } from "../../lib/format";
import { Section } from "./Section";

/** Plural: `settings.storage.snapshots_one` and `_other`, chosen by `count`. */
const SNAPSHOTS = "settings.storage.snapshots";

export function StorageSection() {
  const { t } = useTranslation();
  const capacity = useCapacity();
  const snapshots = useAllSnapshots();
  const held = (snapshots.data ?? []).reduce((sum, s) => sum + s.exclusive_size, 0);
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
      {!!snapshots.data?.length && (
        <>
          <Text size="sm" data-testid="storage-snapshots">
            {t(SNAPSHOTS, {
              count: snapshots.data.length,
              size: formatBytes(held),
            })}
          </Text>
          <Text size="xs" c="dimmed">
            {t("settings.storage.snapshotsHint")}
          </Text>
        </>
      )}
    </Section>
  );
}
