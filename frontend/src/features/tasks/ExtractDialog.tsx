// Extract: an archive into a folder picked with the move dialog's picker; for a zip, the
// encoding of its entry names (old zips from Windows name entries in a local code page); the
// entries to extract (ArchivePicker); for a zip or 7z, its password when it is encrypted.
import { Modal, PasswordInput, Select, Stack, Text } from "@mantine/core";
import { useCallback, useState } from "react";
import { useTranslation } from "react-i18next";
import type { FileInfo } from "../../api/client";
import { extractArchive, invalidateTasks } from "../../api/tasks/tasks";
import { FolderPicker } from "../../components/FolderPicker";
import { notifyQueued } from "../../components/notifyQueued";
import { ArchivePicker } from "./ArchivePicker";
import { isZip, mayBeEncrypted } from "./names";
import { TaskDialogFooter, useStartTask } from "./TaskDialogFooter";

type Props = { file: FileInfo; folder: string; onClose: () => void };

/** Encodings offered for zip entry names; "auto" (sent as none) lets the server detect it. */
export const ZIP_ENCODINGS = ["auto", "utf-8", "gbk", "shift_jis", "big5"] as const;

export default function ExtractDialog({ file, folder, onClose }: Props) {
  const { t } = useTranslation();
  const [dst, setDst] = useState(folder.split("?")[0] ?? folder);
  const [encoding, setEncoding] = useState("auto");
  const [password, setPassword] = useState("");
  const [mask, setMask] = useState<{ paths?: string[]; any: boolean }>({ any: true });
  const onPick = useCallback((paths: string[] | undefined, any: boolean) => {
    setMask({ paths, any });
  }, []);
  const zipEncoding = isZip(file.name) && encoding !== "auto" ? encoding : undefined;

  const { busy, error, submit } = useStartTask(async () => {
    await extractArchive({
      src: [file.path],
      dst,
      ...(zipEncoding ? { encoding: zipEncoding } : {}),
      ...(password ? { password } : {}),
      ...(mask.paths ? { file_mask: mask.paths } : {}),
    });
    await invalidateTasks();
    notifyQueued(t("tasks.extract.queued", { name: file.name }));
    onClose();
  });

  return (
    <Modal opened onClose={onClose} centered title={t("tasks.extract.title", { name: file.name })}>
      <Stack gap="sm">
        <Text size="sm" fw={500}>
          {t("tasks.destination")}
        </Text>
        <FolderPicker value={dst} onChange={setDst} excluded={new Set()} />
        {isZip(file.name) && <ZipEncodingSelect value={encoding} onChange={setEncoding} />}
        <ArchivePicker uri={file.path} encoding={zipEncoding} onChange={onPick} />
        {mayBeEncrypted(file.name) && (
          <PasswordInput
            label={t("archivePicker.password")}
            description={t("archivePicker.passwordHint")}
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            autoComplete="off"
          />
        )}
        <TaskDialogFooter
          dst={dst}
          error={error}
          busy={busy}
          disabled={!mask.any}
          submitLabel={t("tasks.extract.submit")}
          onSubmit={submit}
          onClose={onClose}
        />
      </Stack>
    </Modal>
  );
}

function ZipEncodingSelect({
  value,
  onChange,
}: {
  value: string;
  onChange: (value: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <Select
      label={t("tasks.extract.encoding")}
      data={ZIP_ENCODINGS.map((value) => ({
        value,
        label: t(`tasks.extract.encodings.${value}` as "tasks.extract.encodings.auto"),
      }))}
      value={value}
      onChange={(picked) => onChange(picked ?? "auto")}
      allowDeselect={false}
      comboboxProps={{ withinPortal: true }}
    />
  );
}
