// The view switch: list, thumbnail grid or photo gallery, saved for the folder (view.ts). Three
// buttons side by side in the toolbar, the one in force pressed; three items of a phone's menu.
import { ActionIcon, Menu } from "@mantine/core";
import { IconCheck, IconLayoutGrid, IconList, IconPhoto } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { IconButton } from "../../../components/IconButton";
import { VIEW_MODES, type ViewMode } from "../list/view";

const ICONS = { list: IconList, grid: IconLayoutGrid, gallery: IconPhoto };

type Props = { mode: ViewMode; onChange: (mode: ViewMode) => void };

export function ViewSwitch({ mode, onChange }: Props) {
  const { t } = useTranslation();
  return (
    <ActionIcon.Group role="group" aria-label={t("explorer.view.label")}>
      {VIEW_MODES.map((m) => {
        const Icon = ICONS[m];
        return (
          <IconButton
            key={m}
            variant={m === mode ? "light" : "default"}
            size="lg"
            aria-pressed={m === mode}
            label={t(`explorer.view.${m}`)}
            onClick={() => onChange(m)}
          >
            <Icon size={16} />
          </IconButton>
        );
      })}
    </ActionIcon.Group>
  );
}

/** The same choice as items of a menu, the one in force ticked (and `aria-current`). */
export function ViewMenuItems({ mode, onChange }: Props) {
  const { t } = useTranslation();
  return (
    <>
      <Menu.Label>{t("explorer.view.label")}</Menu.Label>
      {VIEW_MODES.map((m) => {
        const Icon = ICONS[m];
        return (
          <Menu.Item
            key={m}
            leftSection={<Icon size={16} />}
            rightSection={m === mode ? <IconCheck size={14} aria-hidden /> : undefined}
            aria-current={m === mode ? "true" : undefined}
            onClick={() => onChange(m)}
          >
            {t(`explorer.view.${m}`)}
          </Menu.Item>
        );
      })}
    </>
  );
}
