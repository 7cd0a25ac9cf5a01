// The backup targets table's columns: the star, name (opening the target), type and what Stratus
// backups hold on it.
import { ActionIcon, Badge, Text, Tooltip } from "@mantine/core";
import { IconStar, IconStarFilled } from "@tabler/icons-react";
import type { TFunction } from "i18next";
import { formatBytes } from "../../../../lib/format";
import type { Column } from "../../AdminList";
import { NameLink } from "../../list/RowAction";
import { type BackupTarget, starTarget, useTargetUsage } from "./backupApi";
import { TARGET_TYPES } from "./TargetDialog";

export function targetTypeLabel(t: TFunction, type: string) {
  return TARGET_TYPES.includes(type as "local")
    ? t(`admin.backup.targets.types.${type}` as "admin.backup.targets.types.local")
    : type;
}

export function targetColumns(
  t: TFunction,
  open: (target: BackupTarget) => void,
  refresh: () => Promise<void>,
): Column<BackupTarget>[] {
  return [
    {
      key: "starred",
      label: t("admin.backup.targets.starred"),
      sort: "starred",
      render: (target) => <StarButton target={target} t={t} refresh={refresh} />,
    },
    {
      key: "name",
      label: t("admin.backup.targets.name"),
      sort: "name",
      render: (target) => <NameLink onClick={() => open(target)}>{target.name}</NameLink>,
    },
    {
      key: "type",
      label: t("admin.backup.targets.type"),
      sort: "type",
      render: (target) => (
        <Badge miw="max-content" variant="light">
          {targetTypeLabel(t, target.type)}
        </Badge>
      ),
    },
    {
      key: "usage",
      label: t("admin.backup.targets.usage"),
      render: (target) => <Usage id={target.id} t={t} />,
    },
  ];
}

function StarButton(props: { target: BackupTarget; t: TFunction; refresh: () => Promise<void> }) {
  const { target, t } = props;
  return (
    <Tooltip
      label={t(target.starred ? "admin.backup.targets.unstar" : "admin.backup.targets.star")}
    >
      <ActionIcon
        variant="subtle"
        color="yellow"
        aria-pressed={target.starred}
        aria-label={t("admin.backup.targets.starNamed", { name: target.name })}
        onClick={async () => {
          await starTarget(target.id, !target.starred);
          await props.refresh();
        }}
      >
        {target.starred ? <IconStarFilled size={16} /> : <IconStar size={16} />}
      </ActionIcon>
    </Tooltip>
  );
}

function Usage({ id, t }: { id: number; t: TFunction }) {
  const usage = useTargetUsage(id);
  if (usage.isPending) return <Text size="sm">…</Text>;
  if (usage.isError)
    return (
      <Text size="sm" c="red">
        {t("admin.backup.targets.usageFailed")}
      </Text>
    );
  const { used, free } = usage.data;
  return (
    <Text size="sm">
      {free == null
        ? formatBytes(used)
        : t("admin.backup.targets.usedFree", { used: formatBytes(used), free: formatBytes(free) })}
    </Text>
  );
}
