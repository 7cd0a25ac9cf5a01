// The small buttons admin lists repeat: an icon button with a tooltip at the end of a row, a
// row's name as a link that opens it, the "create" button above the list, a status dot.
import { ActionIcon, Anchor, Badge, Button, Tooltip } from "@mantine/core";
import { IconPlus, type TablerIcon } from "@tabler/icons-react";
import type { ReactNode } from "react";

export function RowAction(props: {
  /** The tooltip: what the button does. */
  tip: string;
  /** The accessible name: what it does to which row. */
  label: string;
  icon: TablerIcon;
  onClick: () => void;
  color?: string;
  loading?: boolean;
  disabled?: boolean;
  iconSize?: number;
}) {
  const Icon = props.icon;
  return (
    <Tooltip label={props.tip}>
      <ActionIcon
        variant="subtle"
        color={props.color}
        loading={props.loading}
        disabled={props.disabled}
        aria-label={props.label}
        onClick={props.onClick}
      >
        <Icon size={props.iconSize ?? 16} />
      </ActionIcon>
    </Tooltip>
  );
}

export function NameLink(props: { onClick: () => void; children: ReactNode }) {
  return (
    <Anchor component="button" type="button" size="sm" onClick={props.onClick}>
      {props.children}
    </Anchor>
  );
}

export function CreateButton(props: { label: string; onClick: () => void }) {
  return (
    <Button leftSection={<IconPlus size={16} />} onClick={props.onClick}>
      {props.label}
    </Button>
  );
}

export function StatusDot(props: { color?: string; children: ReactNode }) {
  return (
    <Badge miw="max-content" variant="dot" color={props.color}>
      {props.children}
    </Badge>
  );
}
