// List-view columns of custom properties: the menu that picks them (saved with the folder's
// view as `columns[].props.custom_props_id`); their cells are columns of listColumns.tsx.
import { Box, Menu } from "@mantine/core";
import { IconCheck, IconColumns } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { IconButton } from "../../../components/IconButton";
import { type CustomProp, useCustomProps, usePropName } from "../info/CustomProps";

export function PropColumnsMenu({
  shown,
  onChange,
}: {
  shown: string[];
  onChange: (ids: string[]) => void;
}) {
  const { t } = useTranslation();
  const props = useCustomProps();
  const name = usePropName();
  if (props.length === 0) return null;
  const toggle = (id: string) =>
    onChange(shown.includes(id) ? shown.filter((s) => s !== id) : [...shown, id]);
  return (
    <Menu position="bottom-end" withinPortal closeOnItemClick={false}>
      <Menu.Target>
        <IconButton variant="default" size="lg" label={t("customProps.columns")}>
          <IconColumns size={16} />
        </IconButton>
      </Menu.Target>
      <Menu.Dropdown>
        {props.map((p) => (
          <Menu.Item
            key={p.id}
            leftSection={shown.includes(p.id) ? <IconCheck size={14} /> : <Box w={14} />}
            onClick={() => toggle(p.id)}
          >
            {name(p)}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}

/** The defined properties among `ids`, in the order the site defines them. */
export function useShownProps(ids: string[]): CustomProp[] {
  const props = useCustomProps();
  return props.filter((p) => ids.includes(p.id));
}
