// The info panel of one file or folder: size, dates, path, storage policy, a photo's EXIF
// (`PhotoDetails.tsx`), a song's tags and cover and a video's streams (`MediaDetails.tsx`),
// custom properties (`CustomProps.tsx`), tags, versions (`Versions.tsx`), and the owner's
// direct links (`DirectLinks.tsx`).
import {
  Badge,
  CloseButton,
  Drawer,
  Group,
  Loader,
  Paper,
  Stack,
  TagsInput,
  Text,
  Tooltip,
} from "@mantine/core";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { FileInfo } from "../../../api/client";
import { infoKey, patchMetadata, useFileInfo } from "../../../api/files/fileInfo";
import { FOLDER, listKey } from "../../../api/files/listing";
import { queryClient } from "../../../api/queryClient";
import { errorMessage } from "../../../lib/errors";
import { formatBytes, formatDate } from "../../../lib/format";
import { parseUri } from "../../../lib/uri";
import classes from "../list/FileList.module.css";
import { originalFolder, purgeTime } from "../list/listColumns";
import { CustomPropsSection } from "./CustomProps";
import { DetailTable, type Row } from "./DetailTable";
import { DirectLinks } from "./DirectLinks";
import { InfoSharing } from "./InfoSharing";
import { MediaDetails } from "./MediaDetails";
import { awaitingMedia } from "./mediaInfo";
import { PhotoDetails } from "./PhotoDetails";
import { awaitingExif, EXIF_WAIT_MS, photoInfo } from "./photoInfo";
import { Versions } from "./Versions";

const TAG = "tag:";
const VERSION = 0;

type Props = {
  file: FileInfo;
  folder: string;
  owned: boolean;
  run: (change: () => Promise<void>) => Promise<void>;
  onClose: () => void;
  /** A side panel beside the list instead of a drawer over it. */
  side: boolean;
};

/** A picture's EXIF and a song's or video's streams come from a background task after upload. */
const waiting = (info: FileInfo | undefined) =>
  awaitingExif(info, Date.now()) || awaitingMedia(info, Date.now(), EXIF_WAIT_MS);

export default function InfoPanel({ file, folder, owned, run, onClose, side }: Props) {
  const { t } = useTranslation();
  const info = useFileInfo(file, waiting);
  const reload = () => {
    queryClient.invalidateQueries({ queryKey: infoKey(file.path) });
    queryClient.invalidateQueries({ queryKey: listKey(folder) });
  };
  const content = info.isPending ? (
    <Loader aria-label={t("explorer.loading")} />
  ) : info.isError ? (
    <Text c="red">{errorMessage(info.error)}</Text>
  ) : (
    <InfoContent data={info.data} owned={owned} run={run} reload={reload} />
  );
  const title = (
    <Text fw={600} truncate>
      {file.name}
    </Text>
  );
  // Beside the list on a wide screen, so that the list stays in use; a drawer on a phone.
  if (side) {
    return (
      <Paper
        component="aside"
        aria-label={file.name}
        withBorder
        p="md"
        w={380}
        className={classes.side}
      >
        <Group justify="space-between" wrap="nowrap" mb="md">
          {title}
          <Tooltip label={t("explorer.close")}>
            <CloseButton aria-label={t("explorer.close")} onClick={onClose} />
          </Tooltip>
        </Group>
        {content}
      </Paper>
    );
  }
  return (
    <Drawer
      opened
      onClose={onClose}
      position="right"
      size="md"
      title={title}
      closeButtonProps={{ "aria-label": t("explorer.close") }}
    >
      {content}
    </Drawer>
  );
}

type ContentProps = Pick<Props, "owned" | "run"> & { data: FileInfo; reload: () => void };

function InfoContent({ data, owned, run, reload }: ContentProps) {
  const { i18n } = useTranslation();
  const isFile = data.type !== FOLDER;
  const photo = isFile ? photoInfo(data.metadata, i18n.language) : null;
  const versions = (data.extended_info?.entities ?? []).filter((e) => e.type === VERSION);
  return (
    <Stack gap="lg">
      <Details data={data} />
      {photo && <PhotoDetails photo={photo} />}
      {isFile && <MediaDetails file={data} />}
      <CustomPropsSection
        uri={data.path}
        metadata={data.metadata ?? {}}
        owned={owned}
        run={run}
        reload={reload}
      />
      <Tags data={data} owned={owned} run={run} reload={reload} />
      {isFile && versions.length > 0 && (
        <Versions
          uri={data.path}
          versions={versions}
          current={data.primary_entity}
          owned={owned}
          run={run}
          reload={reload}
        />
      )}
      {owned && <InfoSharing uri={data.path} />}
      {owned && isFile && (
        <DirectLinks
          uri={data.path}
          links={data.extended_info?.direct_links ?? []}
          reload={reload}
        />
      )}
    </Stack>
  );
}

function Details({ data }: { data: FileInfo }) {
  const { t, i18n } = useTranslation();
  const date = (s?: string | null) => (s ? formatDate(s, i18n.language) : "");
  const summary = data.folder_summary;
  const size: ReactNode =
    data.type !== FOLDER
      ? formatBytes(data.size)
      : summary &&
        t("explorer.info.summary", {
          size: formatBytes(summary.size),
          files: summary.files,
          folders: summary.folders,
        });
  const rows: Row[] = [
    [
      t("explorer.info.type"),
      t(data.type === FOLDER ? "explorer.info.folder" : "explorer.info.file"),
    ],
    [t("explorer.info.size"), size],
    [t("explorer.info.created"), date(data.created_at)],
    [t("explorer.info.modified"), date(data.updated_at)],
    // A trashed item's own path is a random name in the trash: its original folder is shown.
    [
      t("explorer.info.path"),
      originalFolder(data) ? undefined : `/${parseUri(data.path)?.segments.join("/") ?? ""}`,
    ],
    [t("explorer.trash.origin"), originalFolder(data)],
    [t("explorer.trash.purge"), date(purgeTime(data))],
    [t("explorer.info.policy"), data.extended_info?.storage_policy?.name],
    [t("explorer.info.storageUsed"), formatBytes(data.extended_info?.storage_used ?? 0)],
  ];
  return <DetailTable id="details" label={t("explorer.info.details")} rows={rows} />;
}

/** The user's tags (`tag:` keys; `exif:` and the other server namespaces are not tags). */
function Tags({ data, owned, run, reload }: ContentProps) {
  const { t } = useTranslation();
  const tags = Object.keys(data.metadata ?? {})
    .filter((k) => k.startsWith(TAG))
    .map((k) => k.slice(TAG.length));
  const setTags = (next: string[]) =>
    run(async () => {
      await patchMetadata(data.path, [
        ...next.filter((n) => !tags.includes(n)).map((n) => ({ key: TAG + n, value: "" })),
        ...tags
          .filter((n) => !next.includes(n))
          .map((n) => ({ key: TAG + n, remove: true as const })),
      ]);
      reload();
    });
  if (owned) {
    return (
      <TagsInput
        label={t("explorer.info.tags")}
        placeholder={t("explorer.info.addTag")}
        value={tags}
        onChange={(next) => void setTags(next)}
        clearable={false}
      />
    );
  }
  if (tags.length === 0) return null;
  return (
    <Group gap={4}>
      {tags.map((tag) => (
        <Badge key={tag} variant="light">
          {tag}
        </Badge>
      ))}
    </Group>
  );
}
