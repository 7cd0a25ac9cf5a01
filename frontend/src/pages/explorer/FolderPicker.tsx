// Picks a folder of "my files": one level at a time, up through the path, down by a click.
import { ActionIcon, Breadcrumbs, Group, Loader, NavLink, ScrollArea, Text } from "@mantine/core";
import { IconArrowUp, IconFolderFilled } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../lib/errors";
import { ancestors, parseUri } from "../../lib/uri";
import { useSubfolders } from "./folders";

type Props = {
  value: string;
  onChange: (uri: string) => void;
  /** Folders that cannot be picked (what is being moved). */
  excluded: Set<string>;
};

export function FolderPicker({ value, onChange, excluded }: Props) {
  const { t } = useTranslation();
  const parsed = parseUri(value);
  const folders = useSubfolders(value);
  const crumbs = parsed ? ancestors(parsed) : [];
  return (
    <div>
      <Group gap="xs" wrap="nowrap" mb="xs">
        <ActionIcon
          variant="default"
          aria-label={t("explorer.up")}
          disabled={crumbs.length < 2}
          onClick={() => onChange(crumbs[crumbs.length - 2] ?? value)}
        >
          <IconArrowUp size={16} />
        </ActionIcon>
        <Breadcrumbs separatorMargin={4} aria-label={t("explorer.pickerPath")}>
          {crumbs.map((uri, i) => (
            <Text
              key={uri}
              size="sm"
              truncate
              fw={i === crumbs.length - 1 ? 600 : undefined}
              style={{ cursor: "pointer" }}
              onClick={() => onChange(uri)}
            >
              {i === 0 ? t("nav.root.my") : parsed?.segments[i - 1]}
            </Text>
          ))}
        </Breadcrumbs>
      </Group>
      <ScrollArea h={260} type="auto" offsetScrollbars>
        {folders.isPending ? (
          <Loader size="sm" aria-label={t("explorer.loading")} />
        ) : folders.isError ? (
          <Text c="red" size="sm">
            {errorMessage(folders.error)}
          </Text>
        ) : folders.data.length === 0 ? (
          <Text c="dimmed" size="sm">
            {t("explorer.noSubfolders")}
          </Text>
        ) : (
          <nav aria-label={t("explorer.subfolders")}>
            {folders.data.map((f) => (
              <NavLink
                key={f.path}
                component="button"
                label={f.name}
                disabled={excluded.has(f.path)}
                aria-disabled={excluded.has(f.path)}
                leftSection={<IconFolderFilled size={18} color="var(--mantine-color-yellow-5)" />}
                onClick={() => {
                  if (!excluded.has(f.path)) onChange(f.path);
                }}
              />
            ))}
          </nav>
        )}
      </ScrollArea>
    </div>
  );
}
