// Remote download: URLs (one a line) or a .torrent file of the drive, into a folder; the server
// downloads them as tasks (POST /workflow/download), listed under "Downloading".
import { Modal, SegmentedControl, Stack, Text, Textarea } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { FileInfo } from "../../api/client";
import { invalidateTasks, startRemoteDownload } from "../../api/tasks/tasks";
import { FolderPicker } from "../../components/FolderPicker";
import { notifyQueued } from "../../components/notifyQueued";
import { MY_ROOT } from "../../lib/uri";
import { isTorrent, urlLines } from "./names";
import { TaskDialogFooter, useStartTask } from "./TaskDialogFooter";

type Props = { folder: string; torrent?: FileInfo; onClose: () => void };

export default function RemoteDownloadDialog({ folder, torrent, onClose }: Props) {
  const { t } = useTranslation();
  const start = folder.startsWith(MY_ROOT) ? (folder.split("?")[0] ?? MY_ROOT) : MY_ROOT;
  const [mode, setMode] = useState<"urls" | "torrent">(torrent ? "torrent" : "urls");
  const [text, setText] = useState("");
  const [picked, setPicked] = useState<FileInfo | undefined>(torrent);
  // Kept here: the folder browsed stays when the mode is switched back and forth.
  const [browse, setBrowse] = useState(start);
  const [dst, setDst] = useState(start);
  const urls = urlLines(text);
  const ready = mode === "urls" ? urls.length > 0 : !!picked;

  const { busy, error, submit } = useStartTask(async () => {
    await startRemoteDownload(
      mode === "urls" ? { src: urls, dst } : { src_file: picked?.path, dst },
    );
    await invalidateTasks();
    notifyQueued(t("tasks.download.queued"), "downloading");
    onClose();
  });

  return (
    <Modal opened onClose={onClose} centered size="lg" title={t("tasks.download.title")}>
      <Stack gap="sm">
        <SegmentedControl
          value={mode}
          onChange={(value) => setMode(value as "urls" | "torrent")}
          data={[
            { value: "urls", label: t("tasks.download.urls") },
            { value: "torrent", label: t("tasks.download.torrent") },
          ]}
        />
        {mode === "urls" ? (
          <Textarea
            label={t("tasks.download.urlsLabel")}
            description={t("tasks.download.urlsHint")}
            placeholder="https://example.com/file.iso"
            autosize
            minRows={3}
            maxRows={8}
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            data-autofocus
          />
        ) : (
          <TorrentPicker browse={browse} setBrowse={setBrowse} picked={picked} onPick={setPicked} />
        )}
        <Text size="sm" fw={500}>
          {t("tasks.destination")}
        </Text>
        <FolderPicker
          value={dst}
          onChange={setDst}
          excluded={new Set()}
          height={mode === "torrent" ? 150 : 220}
        />
        <TaskDialogFooter
          dst={dst}
          error={error}
          busy={busy}
          disabled={!ready}
          submitLabel={t("tasks.download.submit")}
          onSubmit={submit}
          onClose={onClose}
        />
      </Stack>
    </Modal>
  );
}

/** A .torrent file of the drive, picked in a folder browser. */
function TorrentPicker({
  browse,
  setBrowse,
  picked,
  onPick,
}: {
  browse: string;
  setBrowse: (folder: string) => void;
  picked?: FileInfo;
  onPick: (file: FileInfo) => void;
}) {
  const { t } = useTranslation();
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500}>
        {t("tasks.download.pickTorrent")}
      </Text>
      <FolderPicker
        value={browse}
        onChange={setBrowse}
        excluded={new Set()}
        height={150}
        files={{
          keep: (f) => isTorrent(f.name),
          picked: picked?.path,
          onPick,
        }}
      />
      <Text size="xs" c="dimmed">
        {picked ? t("tasks.download.picked", { name: picked.name }) : t("tasks.download.noTorrent")}
      </Text>
    </Stack>
  );
}
