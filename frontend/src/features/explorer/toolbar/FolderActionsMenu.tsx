// The toolbar's menu for the folder on screen: the registered actions marked `folderMenu` that
// apply to it (snapshots, for one). Nothing is drawn when none applies.
import { Menu } from "@mantine/core";
import { IconDotsVertical } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { IconButton } from "../../../components/IconButton";
import { type ActionContext, folderActionsFor } from "../actions";

export function FolderActionsMenu({ ctx }: { ctx: ActionContext }) {
  const { t } = useTranslation();
  const list = folderActionsFor(ctx);
  if (list.length === 0) return null;
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <IconButton variant="default" size="lg" label={t("explorer.folderActions")}>
          <IconDotsVertical size={16} />
        </IconButton>
      </Menu.Target>
      <Menu.Dropdown>
        {list.map((action) => (
          <Menu.Item
            key={action.id}
            color={action.danger ? "red" : undefined}
            leftSection={<action.icon size={16} />}
            onClick={() => void action.run(ctx)}
          >
            {t(action.labelKey as "explorer.action.open")}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
