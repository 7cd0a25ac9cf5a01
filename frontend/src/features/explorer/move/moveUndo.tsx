// Moving files, with a way back: after a move a notification says what went where and offers
// Undo, which moves each item back to the folder it came from. Copies need no undo (the
// originals stay). Every move of the explorer goes through here: drag and drop, the move
// dialog, cut and paste, a drop on the folder tree.
import { Button, Group, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { moveFiles } from "../../../api/files/files";
import i18n from "../../../i18n";
import { notifyError } from "../../../lib/errors";
import { childUri, formatUri, parseUri } from "../../../lib/uri";

/** Moves (or copies) `uris` into `dst`; after a move, the notification with Undo. */
export async function moveUndoable(uris: string[], dst: string, copy: boolean) {
  await moveFiles(uris, dst, copy);
  if (!copy && uris.length > 0) notifyMoved(uris, dst);
}

/** Where each moved item went back to: its old folder, and its URI now. */
export function movedBack(uris: string[], dst: string): Map<string, string[]> {
  const byFolder = new Map<string, string[]>();
  for (const uri of uris) {
    const parsed = parseUri(uri);
    const name = parsed?.segments.at(-1);
    if (!parsed || name === undefined) continue;
    const from = formatUri({ ...parsed, segments: parsed.segments.slice(0, -1) });
    byFolder.set(from, [...(byFolder.get(from) ?? []), childUri(dst, name)]);
  }
  return byFolder;
}

function notifyMoved(uris: string[], dst: string) {
  const t = i18n.t.bind(i18n);
  const folder = parseUri(dst)?.segments.at(-1) ?? t("nav.root.my");
  const first = parseUri(uris[0] ?? "")?.segments.at(-1) ?? "";
  const id = notifications.show({
    color: "teal",
    autoClose: 8_000,
    message: (
      <Group justify="space-between" wrap="nowrap" gap="sm">
        <Text size="sm" data-testid="moved">
          {uris.length === 1
            ? t("explorer.movedOne", { name: first, folder })
            : t("explorer.movedMany", { count: uris.length, folder })}
        </Text>
        <Button
          size="compact-sm"
          variant="light"
          onClick={() => {
            notifications.hide(id);
            void undo(uris, dst);
          }}
        >
          {t("explorer.undoMove")}
        </Button>
      </Group>
    ),
  });
}

async function undo(uris: string[], dst: string) {
  try {
    for (const [from, now] of movedBack(uris, dst)) await moveFiles(now, from, false);
    notifications.show({ color: "teal", message: i18n.t("explorer.movedBack") });
  } catch (error) {
    notifyError(error);
  }
}
