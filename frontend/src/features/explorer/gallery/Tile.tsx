// One photo of the gallery: its thumbnail as large as its place in the justified row, the name
// over it on hover, the checkbox and the actions button in its corners. Clicks, the context
// menu, long presses and dragging are the grid's (FileItem.tsx), on the same selection.
// biome-ignore-all lint/a11y/useSemanticElements: a virtualized ARIA grid; table elements cannot be absolutely placed rows
// biome-ignore-all lint/a11y/useFocusableInteractive: roving focus: each tile's button takes it, the grid handles the keys
// biome-ignore-all lint/a11y/useKeyWithClickEvents: the keys of a tile are handled by the grid (onKeyDown)
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import type { FileInfo } from "../../../api/client";
import { thumbable, useFileThumb, useThumbExts } from "../../../api/files/thumbnails";
import { FileIcon } from "../list/FileIcon";
import { type FileListProps, MenuCell, RowCheck } from "../list/FileItem";
import { useRowActions } from "../list/rowActions";
import { longPressHandlers, TOUCH_FIRST } from "../selection/longPress";
import classes from "./Gallery.module.css";
import type { Tile as Place } from "./layout";

type Props = {
  place: Place;
  height: number;
  props: FileListProps;
  onNatural: (file: FileInfo, width: number, height: number) => void;
};

export function Tile({ place, height, props, onNatural }: Props) {
  const { t } = useTranslation();
  const { index } = place;
  const actions = useRowActions(props);
  const press = useMemo(() => longPressHandlers(() => actions.longPress(index)), [actions, index]);
  const { files, selection, movable } = props;
  const file = files[index];
  if (!file) return null;
  const selected = selection.selected.has(file.path);
  const focused = selection.focus === index;
  return (
    <div
      role="row"
      aria-selected={selected}
      aria-rowindex={index + 1}
      data-index={index}
      className={`${classes.tile} ${selected ? classes.selected : ""}`}
      style={{ left: place.left, width: place.width, height }}
      onClick={(e) => actions.click(e, index)}
      onDoubleClick={() => actions.open(index)}
      onContextMenu={(e) => actions.menu(e, index)}
      {...press}
      draggable={movable && !TOUCH_FIRST}
      onDragStart={(e) => actions.dragStart(e, index)}
    >
      <RowCheck index={index} name={file.name} selected={selected} actions={actions} t={t} />
      <div role="gridcell" className={classes.body}>
        <button
          type="button"
          className={classes.target}
          data-focus-target
          tabIndex={focused ? 0 : -1}
          title={file.name}
          onFocus={() => {
            if (!focused) actions.focusOnly(index);
          }}
        >
          <Picture file={file} onNatural={onNatural} />
          <span className={classes.caption}>{file.name}</span>
        </button>
      </div>
      <MenuCell
        index={index}
        focused={focused}
        label={t("explorer.actionsFor", { name: file.name })}
        actions={actions}
      />
    </div>
  );
}

/** The thumbnail, asked for only once the tile is drawn (the gallery is virtualized). */
function Picture({ file, onNatural }: Pick<Props, "onNatural"> & { file: FileInfo }) {
  const exts = useThumbExts();
  const wanted = thumbable(file.name, exts.data);
  const thumb = useFileThumb(file.path, file.updated_at, wanted);
  const [broken, setBroken] = useState(false);
  if (!thumb.data || broken) {
    return (
      <span className={classes.icon}>
        <FileIcon file={file} size={40} />
      </span>
    );
  }
  return (
    <img
      className={classes.img}
      src={thumb.data}
      alt=""
      decoding="async"
      draggable={false}
      onLoad={(e) => onNatural(file, e.currentTarget.naturalWidth, e.currentTarget.naturalHeight)}
      onError={() => setBroken(true)}
    />
  );
}
