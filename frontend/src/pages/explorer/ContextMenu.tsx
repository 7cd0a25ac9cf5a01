// The menu of the actions that apply to the selection, opened by a right-click, the "more"
// button of a row or the keyboard (the context-menu key, Shift+F10), at that point of the page.
import { Kbd, Menu } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { type ActionContext, actionsFor } from "./actions";

type Props = {
  at: { x: number; y: number } | null;
  ctx: ActionContext;
  onClose: () => void;
};

export function ContextMenu({ at, ctx, onClose }: Props) {
  const { t } = useTranslation();
  const list = at ? actionsFor(ctx) : [];
  return (
    <Menu
      opened={!!at && list.length > 0}
      onChange={(open) => {
        if (!open) onClose();
      }}
      position="bottom-start"
      withinPortal
      returnFocus
      trapFocus
    >
      <Menu.Target>
        <div
          aria-hidden
          style={{ position: "fixed", left: at?.x ?? 0, top: at?.y ?? 0, width: 1, height: 1 }}
        />
      </Menu.Target>
      <Menu.Dropdown aria-label={t("explorer.actions")}>
        {list.map((action) => (
          <Menu.Item
            key={action.id}
            color={action.danger ? "red" : undefined}
            leftSection={<action.icon size={16} />}
            rightSection={action.shortcut ? <Kbd size="xs">{action.shortcut}</Kbd> : undefined}
            onClick={() => {
              onClose();
              void action.run(ctx);
            }}
          >
            {t(action.labelKey as "explorer.action.open")}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
