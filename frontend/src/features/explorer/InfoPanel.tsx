// The info panel of one file or folder: size, dates, path, storage policy, a photo's EXIF
// (camera, exposure, time and place taken), versions (download, make current, delete), tags,
// custom properties (`CustomProps.tsx`), and the owner's direct links (`DirectLinks.tsx`).
import {
  ActionIcon,
  Anchor,
  Badge,
  CloseButton,
  Drawer,
  Group,
  Loader,
  Paper,
  Stack,
  Table,
  TagsInput,
  Text,
  Title,
  Tooltip,
} from "@mantine/core";
import { IconDownload, IconExternalLink, IconStar, IconTrash } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { api, type FileInfo, unwrap } from "../../api/client";
import { FOLDER, listKey } from "../../api/listing";
import { queryClient } from "../../api/queryClient";
import { downloadVersion } from "../../lib/downloads";
import { errorMessage } from "../../lib/errors";
import { formatBytes, formatDate } from "../../lib/format";
import { parseUri } from "../../lib/uri";
import { CustomPropsSection } from "./CustomProps";
import { DirectLinks } from "./DirectLinks";
import classes from "./FileList.module.css";
import { awaitingExif, type Photo, photoInfo } from "./photoInfo";

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

export default function InfoPanel({ file, folder, owned, run, onClose, side }: Props) {
  const { t, i18n } = useTranslation();
  const key = ["info", file.path];
  const info = useQuery({
    queryKey: key,
    queryFn: () =>
      unwrap(
        api.GET("/file/info", {
          params: {
            query: { uri: file.path, extended: true, folder_summary: file.type === FOLDER },
          },
        }),
      ),
    // A picture just uploaded gets its EXIF from a background task: asked again until it shows.
    refetchInterval: (query) => (awaitingExif(query.state.data, Date.now()) ? 3_000 : false),
  });
  const reload = () => {
    queryClient.invalidateQueries({ queryKey: key });
    queryClient.invalidateQueries({ queryKey: listKey(folder) });
  };
  const data = info.data;
  const date = (s?: string | null) => (s ? formatDate(s, i18n.language) : "");
  const photo = data && data.type !== FOLDER ? photoInfo(data.metadata, i18n.language) : null;
  const versions = (data?.extended_info?.entities ?? []).filter((e) => e.type === VERSION);
  // Only `tag:` keys are the user's tags; `exif:` and the other server namespaces are not.
  const tags = Object.keys(data?.metadata ?? {})
    .filter((k) => k.startsWith(TAG))
    .map((k) => k.slice(TAG.length));

  const setTags = (next: string[]) =>
    run(async () => {
      const patches = [
        ...next.filter((n) => !tags.includes(n)).map((n) => ({ key: TAG + n, value: "" })),
        ...tags
          .filter((n) => !next.includes(n))
          .map((n) => ({ key: TAG + n, remove: true as const })),
      ].map((p) => ({ private: false, ...p }));
      if (patches.length === 0) return;
      await unwrap(api.PATCH("/file/metadata", { body: { uris: [file.path], patches } }));
      reload();
    });

  const rows: [string, string][] = data
    ? [
        [
          t("explorer.info.type"),
          t(data.type === FOLDER ? "explorer.info.folder" : "explorer.info.file"),
        ],
        [
          t("explorer.info.size"),
          data.type === FOLDER
            ? data.folder_summary
              ? t("explorer.info.summary", {
                  size: formatBytes(data.folder_summary.size),
                  files: data.folder_summary.files,
                  folders: data.folder_summary.folders,
                })
              : ""
            : formatBytes(data.size),
        ],
        [t("explorer.info.created"), date(data.created_at)],
        [t("explorer.info.modified"), date(data.updated_at)],
        [t("explorer.info.path"), `/${parseUri(data.path)?.segments.join("/") ?? ""}`],
        [t("explorer.info.policy"), data.extended_info?.storage_policy?.name ?? ""],
        [t("explorer.info.storageUsed"), formatBytes(data.extended_info?.storage_used ?? 0)],
      ]
    : [];

  const content = (
    <>
      {info.isPending ? (
        <Loader aria-label={t("explorer.loading")} />
      ) : info.isError ? (
        <Text c="red">{errorMessage(info.error)}</Text>
      ) : (
        <Stack gap="lg">
          <Table
            variant="vertical"
            layout="fixed"
            withTableBorder
            aria-label={t("explorer.info.details")}
          >
            <Table.Tbody>
              {rows
                .filter(([, v]) => v !== "")
                .map(([k, v]) => (
                  <Table.Tr key={k}>
                    <Table.Th w={120}>{k}</Table.Th>
                    <Table.Td style={{ wordBreak: "break-all" }}>{v}</Table.Td>
                  </Table.Tr>
                ))}
            </Table.Tbody>
          </Table>

          {photo && <PhotoDetails photo={photo} />}

          {data && (
            <CustomPropsSection
              uri={file.path}
              metadata={data.metadata ?? {}}
              owned={owned}
              run={run}
              reload={reload}
            />
          )}

          {owned && (
            <TagsInput
              label={t("explorer.info.tags")}
              placeholder={t("explorer.info.addTag")}
              value={tags}
              onChange={(next) => void setTags(next)}
              clearable={false}
            />
          )}
          {!owned && tags.length > 0 && (
            <Group gap={4}>
              {tags.map((tag) => (
                <Badge key={tag} variant="light">
                  {tag}
                </Badge>
              ))}
            </Group>
          )}

          {data && data.type !== FOLDER && versions.length > 0 && (
            <section aria-labelledby="versions-title">
              <Title order={4} id="versions-title" mb="xs">
                {t("explorer.info.versions")}
              </Title>
              <Stack gap={4}>
                {versions.map((v) => {
                  const current = v.id === data.primary_entity;
                  return (
                    <Group key={v.id} justify="space-between" wrap="nowrap" data-testid="version">
                      <div>
                        <Text size="sm">
                          {date(v.created_at)}{" "}
                          {current && (
                            <Badge size="xs" variant="light">
                              {t("explorer.info.current")}
                            </Badge>
                          )}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {formatBytes(v.size)}
                        </Text>
                      </div>
                      <Group gap={2} wrap="nowrap">
                        <Tooltip label={t("explorer.info.downloadVersion")}>
                          <ActionIcon
                            variant="subtle"
                            aria-label={t("explorer.info.downloadVersion")}
                            onClick={() => void downloadVersion(file.path, v.id)}
                          >
                            <IconDownload size={16} />
                          </ActionIcon>
                        </Tooltip>
                        {owned && !current && (
                          <>
                            <Tooltip label={t("explorer.info.makeCurrent")}>
                              <ActionIcon
                                variant="subtle"
                                aria-label={t("explorer.info.makeCurrent")}
                                onClick={() =>
                                  run(async () => {
                                    await unwrap(
                                      api.POST("/file/version/current", {
                                        body: { uri: file.path, version: v.id },
                                      }),
                                    );
                                    reload();
                                  })
                                }
                              >
                                <IconStar size={16} />
                              </ActionIcon>
                            </Tooltip>
                            <Tooltip label={t("explorer.info.deleteVersion")}>
                              <ActionIcon
                                variant="subtle"
                                color="red"
                                aria-label={t("explorer.info.deleteVersion")}
                                onClick={() =>
                                  run(async () => {
                                    await unwrap(
                                      api.DELETE("/file/version", {
                                        body: { uri: file.path, version: v.id },
                                      }),
                                    );
                                    reload();
                                  })
                                }
                              >
                                <IconTrash size={16} />
                              </ActionIcon>
                            </Tooltip>
                          </>
                        )}
                      </Group>
                    </Group>
                  );
                })}
              </Stack>
            </section>
          )}

          {owned && data && data.type !== FOLDER && (
            <DirectLinks
              uri={file.path}
              links={data.extended_info?.direct_links ?? []}
              reload={reload}
            />
          )}
        </Stack>
      )}
    </>
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
          <Text fw={600} truncate>
            {file.name}
          </Text>
          <CloseButton aria-label={t("explorer.close")} onClick={onClose} />
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
      title={
        <Text fw={600} truncate>
          {file.name}
        </Text>
      }
      closeButtonProps={{ "aria-label": t("explorer.close") }}
    >
      {content}
    </Drawer>
  );
}

/** The photo's EXIF, in the same two-column table as the details; only the rows it has. */
function PhotoDetails({ photo }: { photo: Photo }) {
  const { t } = useTranslation();
  const place = photo.location;
  const rows: [string, ReactNode][] = [
    [t("explorer.info.camera"), photo.camera],
    [t("explorer.info.lens"), photo.lens],
    [
      t("explorer.info.exposure"),
      photo.exposure.length > 0 &&
        photo.exposure.map((part, i) => (
          <span key={part}>
            {i > 0 && " · "}
            <span style={{ whiteSpace: "nowrap" }}>{part}</span>
          </span>
        )),
    ],
    [t("explorer.info.takenAt"), photo.takenAt],
    [t("explorer.info.dimensions"), photo.dimensions],
    [
      t("explorer.info.place"),
      place && (
        <>
          <Anchor
            href={place.url}
            target="_blank"
            rel="noopener noreferrer"
            size="sm"
            aria-label={t("explorer.info.openMap", { place: place.text })}
            title={t("explorer.info.openMap", { place: place.text })}
          >
            {place.text}
            <IconExternalLink
              size={12}
              aria-hidden
              style={{ marginInlineStart: 4, verticalAlign: "-1px" }}
            />
          </Anchor>
          {place.altitude && (
            <Text size="sm" c="dimmed">
              {t("explorer.info.altitude", { height: place.altitude })}
            </Text>
          )}
        </>
      ),
    ],
    [t("explorer.info.software"), photo.software],
    [t("explorer.info.artist"), photo.artist],
    [t("explorer.info.copyright"), photo.copyright],
  ];
  return (
    <section aria-labelledby="photo-title" data-testid="photo">
      <Title order={4} id="photo-title" mb="xs">
        {t("explorer.info.photo")}
      </Title>
      <Table variant="vertical" layout="fixed" withTableBorder aria-labelledby="photo-title">
        <Table.Tbody>
          {rows
            .filter(([, v]) => !!v)
            .map(([k, v]) => (
              <Table.Tr key={k}>
                <Table.Th w={120}>{k}</Table.Th>
                <Table.Td style={{ overflowWrap: "anywhere" }}>{v}</Table.Td>
              </Table.Tr>
            ))}
        </Table.Tbody>
      </Table>
    </section>
  );
}
