// The menu of the actions that apply to the selection, opened by a right-click, the "more"
// button of a row or the keyboard (the context-menu key, Shift+F10), at that point of the page.
import { Kbd, Menu } from "@mantine/core";
import type { Ref } from "react";
import { useTranslation } from "react-i18next";
import { type ActionContext, actionsFor } from "../actions";

/**
 * The invisible point the menu opens at. It keeps only the ref the menu places itself by: the
 * target's ARIA props (aria-expanded, aria-haspopup, aria-controls) are not allowed on a plain
 * hidden box (axe: aria-allowed-attr); the menu itself is reached by focus, not through it.
 */
function Anchor({ x, y, ref }: { x: number; y: number; ref?: Ref<HTMLDivElement> }) {
  return (
    <div
      ref={ref}
      aria-hidden
      style={{ position: "fixed", left: x, top: y, width: 1, height: 1 }}
    />
  );
}

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
        <Anchor x={at?.x ?? 0} y={at?.y ?? 0} />
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
