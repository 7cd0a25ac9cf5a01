// A file's versions in the info panel: when, how big and (when not the viewer) by whom each
// is; download any, and for the owner make an older one current or delete one.
import { ActionIcon, Badge, Group, Stack, Text, Title, Tooltip } from "@mantine/core";
import { IconDownload, IconStar, IconTrash } from "@tabler/icons-react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { FileInfo } from "../../../api/client";
import { deleteVersion, makeVersionCurrent } from "../../../api/files/fileInfo";
import { useSession } from "../../../api/session";
import { downloadVersion } from "../../../lib/downloads";
import { formatBytes, formatDate } from "../../../lib/format";

type Entity = NonNullable<NonNullable<FileInfo["extended_info"]>["entities"]>[number];

type Props = {
  uri: string;
  versions: Entity[];
  current?: string | null;
  owned: boolean;
  run: (change: () => Promise<void>) => Promise<void>;
  reload: () => void;
};

export function Versions({ uri, versions, current, owned, run, reload }: Props) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="versions-title">
      <Title order={4} id="versions-title" mb="xs">
        {t("explorer.info.versions")}
      </Title>
      <Stack gap={4}>
        {versions.map((v) => (
          <Version
            key={v.id}
            version={v}
            current={v.id === current}
            download={() => void downloadVersion(uri, v.id)}
            change={
              owned
                ? (action) =>
                    run(async () => {
                      await action(uri, v.id);
                      reload();
                    })
                : undefined
            }
          />
        ))}
      </Stack>
    </section>
  );
}

type Action = (uri: string, version: string) => Promise<void>;

function Version({
  version,
  current,
  download,
  change,
}: {
  version: Entity;
  current: boolean;
  download: () => void;
  change?: (action: Action) => void;
}) {
  const { t, i18n } = useTranslation();
  // Who made a version is said when it was someone else (a recipient of a grant, the owner).
  const me = useSession()?.user.id;
  const by = version.created_by && version.created_by.id !== me ? version.created_by : undefined;
  const button = (label: string, icon: ReactNode, onClick: () => void, color?: string) => (
    <Tooltip label={label}>
      <ActionIcon variant="subtle" color={color} aria-label={label} onClick={onClick}>
        {icon}
      </ActionIcon>
    </Tooltip>
  );
  return (
    <Group justify="space-between" wrap="nowrap" data-testid="version">
      <div>
        <Text size="sm">
          {version.created_at ? formatDate(version.created_at, i18n.language) : ""}{" "}
          {current && (
            <Badge size="xs" variant="light">
              {t("explorer.info.current")}
            </Badge>
          )}
        </Text>
        <Text size="xs" c="dimmed">
          {by
            ? t("explorer.info.sizeBy", { size: formatBytes(version.size), name: by.nickname })
            : formatBytes(version.size)}
        </Text>
      </div>
      <Group gap={2} wrap="nowrap">
        {button(t("explorer.info.downloadVersion"), <IconDownload size={16} />, download)}
        {change && !current && (
          <>
            {button(t("explorer.info.makeCurrent"), <IconStar size={16} />, () =>
              change(makeVersionCurrent),
            )}
            {button(
              t("explorer.info.deleteVersion"),
              <IconTrash size={16} />,
              () => change(deleteVersion),
              "red",
            )}
          </>
        )}
      </Group>
    </Group>
  );
}
