//! Asked before the viewer closes over an edited file: save, discard, or keep editing.
import { Button, Group, Modal, Text } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Unsaved } from "./unsaved";

type Props = {
  unsaved: Unsaved;
  /** Closes the viewer (after a save or a discard). */
  onLeave: () => void;
  /** Closes only this question. */
  onStay: () => void;
};

export function UnsavedDialog({ unsaved, onLeave, onStay }: Props) {
  const { t } = useTranslation();
  const [saving, setSaving] = useState(false);
  const save = async () => {
    setSaving(true);
    const saved = await unsaved.save();
    setSaving(false);
    if (saved) onLeave();
  };
  return (
    <Modal opened onClose={onStay} title={t("preview.unsavedTitle")} centered zIndex={300}>
      <Text>{t("preview.unsavedBody", { name: unsaved.name })}</Text>
      <Group justify="flex-end" mt="md" gap="xs">
        <Button variant="default" onClick={onStay}>
          {t("preview.keepEditing")}
        </Button>
        <Button variant="light" color="red" onClick={onLeave} disabled={saving}>
          {t("preview.discard")}
        </Button>
        <Button data-autofocus loading={saving} onClick={save}>
          {t("preview.save")}
        </Button>
      </Group>
    </Modal>
  );
}
