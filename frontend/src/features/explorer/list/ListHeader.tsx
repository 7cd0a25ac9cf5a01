// The list's header row: a checkbox that selects the loaded rows (or clears them), the column
// names (a click sorts by that column through the server's order, a second click reverses it),
// a handle on each column's edge to drag (or move with the arrow keys) its width, and the menu
// of the columns shown.
// biome-ignore-all lint/a11y/useSemanticElements: the header of FileList's virtualized ARIA grid
// biome-ignore-all lint/a11y/useFocusableInteractive: the column headers' buttons take the focus
import { Box, Checkbox, Menu, UnstyledButton } from "@mantine/core";
import { IconArrowDown, IconArrowUp, IconCheck, IconColumns3 } from "@tabler/icons-react";
import { type KeyboardEvent, type PointerEvent, useRef } from "react";
import { useTranslation } from "react-i18next";
import type { Order, SortKey } from "../../../api/files/listing";
import { IconButton } from "../../../components/IconButton";
import { type CustomProp, useCustomProps, usePropName } from "../info/CustomProps";
import { MAX_WIDTH, MIN_WIDTH, OPTIONAL_COLUMNS, type OptionalColumn } from "./columnPrefs";
import classes from "./FileList.module.css";
import { type Column, columnClass, widthVar } from "./listColumns";

export type HeaderProps = {
  columns: Column[];
  widths: Record<string, number>;
  order: Order;
  onSort: (order: Order) => void;
  /** Rows loaded and rows selected among them. */
  loaded: number;
  selected: number;
  onSelectPage: () => void;
  onClear: () => void;
  onWidth: (id: string, width: number) => void;
  /** The columns menu; absent where the columns are fixed (the trash). */
  chooser?: ChooserProps;
};

export function ListHeader(props: HeaderProps) {
  const { t } = useTranslation();
  const { columns, loaded, selected, order, onSort } = props;
  const all = loaded > 0 && selected >= loaded;
  return (
    <div role="row" className={classes.header}>
      <div role="columnheader" className={classes.check}>
        <Checkbox
          size="xs"
          aria-label={t("explorer.columns.selectPage")}
          checked={all}
          indeterminate={selected > 0 && !all}
          onChange={() => (all ? props.onClear() : props.onSelectPage())}
        />
      </div>
      <SortHeader
        className={classes.name}
        label={t("explorer.sort.name")}
        sort="name"
        order={order}
        onSort={onSort}
      />
      {columns.map((c) => (
        <SortHeader
          key={c.id}
          className={columnClass(c, classes)}
          style={{ width: `var(${widthVar(c.id)})` }}
          label={c.label}
          sort={c.sort}
          order={order}
          onSort={onSort}
        >
          <Resizer column={c} width={props.widths[c.id] ?? c.width} onWidth={props.onWidth} />
        </SortHeader>
      ))}
      <div role="columnheader" className={classes.menu}>
        {props.chooser && <ColumnChooser {...props.chooser} />}
      </div>
    </div>
  );
}

function SortHeader({
  label,
  sort,
  order,
  onSort,
  className,
  style,
  children,
}: {
  label: string;
  sort?: SortKey;
  order: Order;
  onSort: (order: Order) => void;
  className?: string;
  style?: React.CSSProperties;
  children?: React.ReactNode;
}) {
  const active = !!sort && order.order_by === sort;
  const desc = order.order_direction === "desc";
  const Arrow = desc ? IconArrowDown : IconArrowUp;
  const click = () =>
    sort && onSort({ order_by: sort, order_direction: active ? (desc ? "asc" : "desc") : "asc" });
  return (
    <div
      role="columnheader"
      className={className}
      style={style}
      aria-label={label}
      aria-sort={active ? (desc ? "descending" : "ascending") : undefined}
    >
      {sort ? (
        <UnstyledButton className={classes.sortButton} onClick={click}>
          <span className={classes.headerLabel}>{label}</span>
          {active && <Arrow size={12} aria-hidden />}
        </UnstyledButton>
      ) : (
        <span className={classes.headerLabel}>{label}</span>
      )}
      {children}
    </div>
  );
}

const STEP = 16;

/**
 * The handle on a column's left edge: dragging it left widens the column (the name column gives
 * the room); the arrow keys change the width a step at a time. Saved when the drag ends.
 */
function Resizer({
  column,
  width,
  onWidth,
}: {
  column: Column;
  width: number;
  onWidth: (id: string, width: number) => void;
}) {
  const { t } = useTranslation();
  const drag = useRef<{ x: number; width: number } | null>(null);
  const live = (e: PointerEvent<HTMLDivElement>) => {
    if (!drag.current) return;
    const next = Math.min(
      MAX_WIDTH,
      Math.max(MIN_WIDTH, drag.current.width + drag.current.x - e.clientX),
    );
    e.currentTarget
      .closest<HTMLElement>("[role=grid]")
      ?.style.setProperty(widthVar(column.id), `${next}px`);
  };
  const end = (e: PointerEvent<HTMLDivElement>) => {
    if (!drag.current) return;
    onWidth(column.id, drag.current.width + drag.current.x - e.clientX);
    drag.current = null;
  };
  const keys = (e: KeyboardEvent) => {
    if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") return;
    e.preventDefault();
    e.stopPropagation();
    onWidth(column.id, width + (e.key === "ArrowRight" ? STEP : -STEP));
  };
  return (
    <div
      role="separator"
      tabIndex={0}
      aria-orientation="vertical"
      aria-label={t("explorer.columns.resize", { name: column.label })}
      aria-valuenow={width}
      aria-valuemin={MIN_WIDTH}
      aria-valuemax={MAX_WIDTH}
      className={classes.resizer}
      onPointerDown={(e) => {
        e.currentTarget.setPointerCapture(e.pointerId);
        drag.current = { x: e.clientX, width };
      }}
      onPointerMove={live}
      onPointerUp={end}
      onPointerCancel={() => {
        drag.current = null;
      }}
      onKeyDown={keys}
      onClick={(e) => e.stopPropagation()}
    />
  );
}

export type ChooserProps = {
  hidden: OptionalColumn[];
  onToggle: (column: OptionalColumn) => void;
  /** The custom property columns picked for the folder, by id. */
  props: string[];
  onProps: (ids: string[]) => void;
};

/** Which columns the list shows: size and the dates (per person), custom properties (per folder). */
function ColumnChooser({ hidden, onToggle, props, onProps }: ChooserProps) {
  const { t } = useTranslation();
  const defined: CustomProp[] = useCustomProps();
  const name = usePropName();
  const tick = (on: boolean) => (on ? <IconCheck size={14} /> : <Box w={14} />);
  const toggleProp = (id: string) =>
    onProps(props.includes(id) ? props.filter((p) => p !== id) : [...props, id]);
  return (
    <Menu position="bottom-end" withinPortal closeOnItemClick={false}>
      <Menu.Target>
        <IconButton variant="subtle" color="gray" size="sm" label={t("explorer.columns.choose")}>
          <IconColumns3 size={16} />
        </IconButton>
      </Menu.Target>
      <Menu.Dropdown>
        {OPTIONAL_COLUMNS.map((c) => (
          <Menu.Item key={c} leftSection={tick(!hidden.includes(c))} onClick={() => onToggle(c)}>
            {t(`explorer.sort.${c}`)}
          </Menu.Item>
        ))}
        {defined.length > 0 && <Menu.Label>{t("customProps.columns")}</Menu.Label>}
        {defined.map((p) => (
          <Menu.Item
            key={p.id}
            leftSection={tick(props.includes(p.id))}
            onClick={() => toggleProp(p.id)}
          >
            {name(p)}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
