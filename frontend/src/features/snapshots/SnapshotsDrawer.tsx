// A folder's snapshots, newest first, and its schedules: take one, browse one read-only in the
// explorer, restore it, delete it (after a question).
import "./styles";
import { Alert, Button, Center, Drawer, Loader, Stack, Text, Title } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { IconCamera } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { deleteSnapshot, snapshotRoot, useFolderSnapshots } from "../../api/snapshots";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { appRouter } from "../../lib/appRouter";
import { errorMessage } from "../../lib/errors";
import { SchedulesPanel } from "./SchedulesPanel";
import { SnapshotCard } from "./SnapshotCard";
import { openSnapshotDialog, type Snapshot, type SnapshotFolder } from "./store";

type Props = { folder: SnapshotFolder; onClose: () => void };

export default function SnapshotsDrawer({ folder, onClose }: Props) {
  const { t } = useTranslation();
  const phone = useMediaQuery("(max-width: 36em)");
  const [deleting, setDeleting] = useState<Snapshot | null>(null);
  const list = useFolderSnapshots(folder.uri);
  const snapshots = list.data?.snapshots ?? [];

  const browse = (snapshot: Snapshot) => {
    onClose();
    void appRouter().navigate({ to: "/home", search: { path: snapshotRoot(snapshot.id) } });
  };

  return (
    <Drawer
      opened
      onClose={onClose}
      position="right"
      size={phone ? "100%" : "md"}
      title={t("snapshot.listTitle", { name: folder.name })}
      closeButtonProps={{ "aria-label": t("explorer.close") }}
    >
      <Stack gap="md">
        <Button
          leftSection={<IconCamera size={16} />}
          variant="light"
          onClick={() => openSnapshotDialog({ kind: "take", folder, back: true })}
        >
          {t("snapshot.take.action")}
        </Button>
        {list.isPending ? (
          <Center>
            <Loader aria-label={t("explorer.loading")} />
          </Center>
        ) : list.isError ? (
          <Alert color="red" role="alert">
            {errorMessage(list.error)}
          </Alert>
        ) : snapshots.length === 0 ? (
          <Text c="dimmed" size="sm">
            {t("snapshot.none")}
          </Text>
        ) : (
          <Stack component="ul" gap="xs" p={0} m={0} aria-label={t("snapshot.list")}>
            {snapshots.map((s) => (
              <SnapshotCard
                key={s.id}
                snapshot={s}
                onBrowse={() => browse(s)}
                onRestore={() => openSnapshotDialog({ kind: "restore", snapshot: s })}
                onDelete={() => setDeleting(s)}
              />
            ))}
          </Stack>
        )}
        <Text size="xs" c="dimmed">
          {t("snapshot.exclusiveHint")}
        </Text>
        <Title order={4}>{t("snapshot.schedule.title")}</Title>
        <SchedulesPanel folder={folder} />
      </Stack>
      {deleting && (
        <ConfirmDialog
          title={t("snapshot.deleteTitle")}
          message={t("snapshot.deleteBody", { name: deleting.name })}
          confirmLabel={t("snapshot.delete")}
          onConfirm={() => deleteSnapshot(deleting.id)}
          onClose={() => setDeleting(null)}
        />
      )}
    </Drawer>
  );
}
