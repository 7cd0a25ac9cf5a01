// An admin list whose rows are created, edited and deleted one by one: the create button above
// it, the row's name and a pencil opening the page's dialog, a bin asking first what deleting
// will do, and the page's own row buttons before or after those. The list is reloaded after
// each change.
import { Text } from "@mantine/core";
import { IconPencil, IconTrash } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { AdminList, type AdminListProps, type Column } from "./AdminList";
import { ConfirmModal } from "./ConfirmModal";
import { CreateButton, RowAction } from "./list/RowAction";

export type RowDelete<R> = {
  /** The button's tooltip and the confirmation's button. */
  tip: string;
  /** The button's accessible name for a row. */
  label: (row: R) => string;
  title: (row: R) => string;
  /** What deleting does, in words. */
  what: string;
  run: (row: R) => Promise<unknown>;
  /** Rows that cannot be deleted: no button (`true`) or a disabled one saying why. */
  kept?: (row: R) => true | string | undefined;
};

export type EditableListProps<R> = Omit<AdminListProps<R>, "columns" | "toolbar" | "rowActions"> & {
  /** The columns, given how to open a row (for a name that links to its dialog). */
  columns: (open: (row: R) => void) => Column<R>[];
  createLabel?: string;
  edit: { tip: string; label: (row: R) => string };
  remove?: RowDelete<R>;
  /** Row buttons before the pencil, and after it. */
  before?: (row: R) => ReactNode;
  after?: (row: R) => ReactNode;
  /** The page's dialog: a row to edit, or none for a new one. */
  dialog: (row: R | undefined, close: () => void, saved: () => Promise<void>) => ReactNode;
};

export function EditableList<R>(props: EditableListProps<R>) {
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<{ row?: R } | null>(null);
  const [deleting, setDeleting] = useState<R | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["admin", props.id] });
  const { columns, createLabel, edit, remove, before, after, dialog, ...list } = props;
  const open = (row: R) => setEditing({ row });

  return (
    <>
      <AdminList<R>
        {...list}
        columns={columns(open)}
        toolbar={createLabel && <CreateButton label={createLabel} onClick={() => setEditing({})} />}
        rowActions={(row) => (
          <>
            {before?.(row)}
            <RowAction
              tip={edit.tip}
              label={edit.label(row)}
              icon={IconPencil}
              onClick={() => open(row)}
            />
            {after?.(row)}
            {remove && <DeleteAction remove={remove} row={row} onClick={() => setDeleting(row)} />}
          </>
        )}
      />
      {editing && dialog(editing.row, () => setEditing(null), refresh)}
      {deleting && remove && (
        <ConfirmModal
          title={remove.title(deleting)}
          confirmLabel={remove.tip}
          danger
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await remove.run(deleting);
            await refresh();
          }}
        >
          <Text size="sm">{remove.what}</Text>
        </ConfirmModal>
      )}
    </>
  );
}

function DeleteAction<R>(props: { remove: RowDelete<R>; row: R; onClick: () => void }) {
  const kept = props.remove.kept?.(props.row);
  if (kept === true) return null;
  return (
    <RowAction
      tip={kept ?? props.remove.tip}
      label={props.remove.label(props.row)}
      icon={IconTrash}
      color="red"
      disabled={kept !== undefined}
      onClick={props.onClick}
    />
  );
}
