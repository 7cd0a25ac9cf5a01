// Floating over the bottom of the list while files are selected (so that selecting moves no row
// from under the pointer): how many, the registry's actions marked for the toolbar, select all
// and clear. On a phone the actions are icons (named on hover and to screen readers), so the bar
// stays two short rows above the thumb.
import { Button, CloseButton, Group, Paper, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { IconButton } from "../../../components/IconButton";
import { useIsPhone } from "../../../lib/phone";
import { type ActionContext, actionsFor } from "../actions";
import classes from "../list/FileList.module.css";

type Props = {
  ctx: ActionContext;
  /** Rows loaded; the folder's size once `complete`. */
  total: number;
  complete: boolean;
  /** The rest of the folder is being loaded to be selected. */
  selectingAll: boolean;
  onSelectAll: () => void;
  onClear: () => void;
};

export function SelectionBar({ ctx, total, complete, selectingAll, onSelectAll, onClear }: Props) {
  const { t } = useTranslation();
  const phone = useIsPhone();
  const list = actionsFor(ctx).filter((a) => a.toolbar);
  return (
    <Paper
      withBorder
      shadow="md"
      p={4}
      px="xs"
      role="toolbar"
      aria-label={t("explorer.selectionBar")}
      className={classes.bar}
    >
      <Group gap="xs" wrap="wrap">
        <CloseButton size="sm" aria-label={t("explorer.clearSelection")} onClick={onClear} />
        <Text size="sm" fw={600} data-testid="selection-count">
          {selectingAll
            ? t("explorer.selectingAll", { count: total })
            : t(complete ? "explorer.selectedOf" : "explorer.selectedOfAtLeast", {
                count: ctx.files.length,
                total,
              })}
        </Text>
        {(ctx.files.length < total || !complete) && (
          <Button size="compact-sm" variant="subtle" onClick={onSelectAll} loading={selectingAll}>
            {t("explorer.selectAll")}
          </Button>
        )}
        {list.map((action) =>
          phone ? (
            <IconButton
              key={action.id}
              size="lg"
              variant="light"
              color={action.danger ? "red" : undefined}
              label={t(action.labelKey as "explorer.action.open")}
              onClick={() => void action.run(ctx)}
            >
              <action.icon size={18} />
            </IconButton>
          ) : (
            <Button
              key={action.id}
              size="compact-sm"
              variant="light"
              color={action.danger ? "red" : undefined}
              leftSection={<action.icon size={14} />}
              onClick={() => void action.run(ctx)}
            >
              {t(action.labelKey as "explorer.action.open")}
            </Button>
          ),
        )}
      </Group>
    </Paper>
  );
}
