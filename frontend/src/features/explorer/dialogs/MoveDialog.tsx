// Move or copy the selection into a folder picked in the dialog.
import { Button, Group, Modal, Text } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { FileInfo } from "../../../api/client";
import { FolderPicker } from "../../../components/FolderPicker";

type Props = {
  files: FileInfo[];
  copy: boolean;
  start: string;
  onSubmit: (dst: string) => Promise<void>;
  onClose: () => void;
};

export default function MoveDialog({ files, copy, start, onSubmit, onClose }: Props) {
  const { t } = useTranslation();
  const [dst, setDst] = useState(start.split("?")[0] ?? start);
  const [busy, setBusy] = useState(false);
  const excluded = new Set(files.map((f) => f.path));
  const name = files.length === 1 ? files[0]?.name : undefined;
  return (
    <Modal
      opened
      onClose={onClose}
      centered
      title={
        name
          ? t(copy ? "explorer.copyOne" : "explorer.moveOne", { name })
          : t(copy ? "explorer.copyMany" : "explorer.moveMany", { count: files.length })
      }
    >
      <FolderPicker value={dst} onChange={setDst} excluded={excluded} />
      <Group justify="space-between" mt="md" wrap="nowrap">
        <Text size="xs" c="dimmed" truncate>
          {decodeURIComponent(dst.replace(/^cloudreve:\/\/my/, "") || "/")}
        </Text>
        <Group gap="xs" wrap="nowrap">
          <Button variant="default" onClick={onClose}>
            {t("common.cancel")}
          </Button>
          <Button
            loading={busy}
            disabled={excluded.has(dst)}
            onClick={async () => {
              setBusy(true);
              try {
                await onSubmit(dst);
              } finally {
                setBusy(false);
              }
              onClose();
            }}
          >
            {t(copy ? "explorer.copyHere" : "explorer.moveHere")}
          </Button>
        </Group>
      </Group>
    </Modal>
  );
}
