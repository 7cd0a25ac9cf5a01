// The toolbar's order menu: the key, then the direction, each ticked when chosen.
import { Box, Menu } from "@mantine/core";
import { IconArrowsSort, IconCheck } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import type { Order, SortKey } from "../../../api/files/listing";
import { IconButton } from "../../../components/IconButton";

const SORT_KEYS: SortKey[] = ["name", "size", "updated_at", "created_at"];

export function SortMenu({
  order,
  onChange,
}: {
  order: Order;
  onChange: (o: Partial<Order>) => void;
}) {
  const { t } = useTranslation();
  const tick = (on: boolean) => (on ? <IconCheck size={14} /> : <Box w={14} />);
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <IconButton variant="default" size="lg" label={t("explorer.sort.label")}>
          <IconArrowsSort size={16} />
        </IconButton>
      </Menu.Target>
      <Menu.Dropdown>
        {SORT_KEYS.map((key) => (
          <Menu.Item
            key={key}
            leftSection={tick(order.order_by === key)}
            onClick={() => onChange({ order_by: key })}
          >
            {t(`explorer.sort.${key}`)}
          </Menu.Item>
        ))}
        <Menu.Divider />
        {(["asc", "desc"] as const).map((dir) => (
          <Menu.Item
            key={dir}
            leftSection={tick(order.order_direction === dir)}
            onClick={() => onChange({ order_direction: dir })}
          >
            {t(`explorer.sort.${dir}`)}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
