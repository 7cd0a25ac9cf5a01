// Batch actions over the chosen rows: how many are chosen, the actions' buttons, and the
// confirmation that first says what will happen to which rows.
import { Box, Button, Group, Text } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ConfirmModal } from "../ConfirmModal";
import type { Selection } from "./selection";
import type { BatchAction } from "./types";

export function BatchBar<R>(props: {
  id: string;
  actions: BatchAction<R>[];
  selection: Selection<R>;
  rowName: (row: R) => string;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [pending, setPending] = useState<BatchAction<R> | null>(null);
  const { chosen } = props.selection;
  if (props.actions.length === 0) return null;
  return (
    <>
      <Group gap="sm" mih={36} aria-live="polite">
        <Text size="sm" c="dimmed">
          {chosen.length
            ? t("admin.list.selected", { count: chosen.length })
            : t("admin.list.selectHint")}
        </Text>
        {chosen.length > 0 &&
          props.actions.map((action) => (
            <Button
              key={action.key}
              size="xs"
              color={action.danger ? "red" : undefined}
              variant={action.danger ? "filled" : "default"}
              onClick={() => setPending(action)}
            >
              {action.label}
            </Button>
          ))}
      </Group>
      {pending && (
        <ConfirmModal
          title={pending.label}
          confirmLabel={pending.confirmLabel}
          danger={pending.danger}
          onClose={() => setPending(null)}
          onConfirm={async () => {
            try {
              await pending.run(chosen);
            } finally {
              await queryClient.invalidateQueries({ queryKey: ["admin", props.id] });
            }
            props.selection.clear();
          }}
        >
          {pending.describe(chosen)}
          <NamedRows names={chosen.map(props.rowName)} />
        </ConfirmModal>
      )}
    </>
  );
}

/** The first rows named, and how many more. */
function NamedRows({ names }: { names: string[] }) {
  const { t } = useTranslation();
  const shown = names.slice(0, 10);
  return (
    <Box component="ul" my="xs" pl="lg">
      {shown.map((name) => (
        <li key={name}>
          <Text size="sm" component="span">
            {name}
          </Text>
        </li>
      ))}
      {names.length > shown.length && (
        <li>
          <Text size="sm" c="dimmed" component="span">
            {t("admin.list.andMore", { count: names.length - shown.length })}
          </Text>
        </li>
      )}
    </Box>
  );
}
