// A song's tags with its cover (the thumbnail the server cuts from the embedded picture), and a
// video's or song's streams: duration, codecs, resolution, sound and bitrate. Each part shows
// only when the file's metadata has it.
import { Group, Image, Stack } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { FileInfo } from "../../../api/client";
import { useFileThumb } from "../../../api/files/thumbnails";
import { DetailTable, type Row } from "./DetailTable";
import { isSong, type Music, musicInfo, type Stream, type Streams, streamInfo } from "./mediaInfo";

export function MediaDetails({ file }: { file: FileInfo }) {
  const music = musicInfo(file.metadata);
  const streams = streamInfo(file.metadata, !!music || isSong(file.name));
  if (!music && !streams) return null;
  return (
    <Stack gap="lg">
      {music && <MusicDetails file={file} music={music} />}
      {streams && <StreamDetails streams={streams} withDuration={!music?.duration} />}
    </Stack>
  );
}

function MusicDetails({ file, music }: { file: FileInfo; music: Music }) {
  const { t } = useTranslation();
  const cover = useFileThumb(file.path, file.updated_at);
  const rows: Row[] = [
    [t("explorer.media.title"), music.title],
    [t("explorer.media.artist"), music.artist],
    [t("explorer.media.album"), music.album],
    [t("explorer.media.albumArtist"), music.albumArtist],
    [t("explorer.media.year"), music.year],
    [t("explorer.media.track"), music.track],
    [t("explorer.media.disc"), music.disc],
    [t("explorer.media.genre"), music.genre],
    [t("explorer.media.composer"), music.composer],
    [t("explorer.media.duration"), music.duration],
  ];
  return (
    <Stack gap="xs">
      <DetailTable id="music" title={t("explorer.media.music")} rows={rows} testId="music" />
      {cover.data && (
        <Group justify="center">
          <Image
            src={cover.data}
            alt={t("explorer.media.coverOf", { name: file.name })}
            maw={200}
            mah={200}
            fit="contain"
            radius="sm"
            data-testid="music-cover"
          />
        </Group>
      )}
    </Stack>
  );
}

function StreamDetails({ streams, withDuration }: { streams: Streams; withDuration: boolean }) {
  const { t } = useTranslation();
  const rows: Row[] = [
    [t("explorer.media.duration"), withDuration && streams.duration],
    [t("explorer.media.bitrate"), streams.bitrate],
    ...streams.streams.flatMap((s, i) =>
      streamRows(s, numbering(streams.streams, i), t as unknown as T),
    ),
  ];
  return (
    <DetailTable id="streams" title={t("explorer.media.streams")} rows={rows} testId="streams" />
  );
}

/** " 2" for the second stream of a type, nothing when the type has one stream. */
function numbering(all: Stream[], i: number): string {
  const same = all.filter((s) => s.type === all[i]?.type);
  return same.length > 1 ? ` ${same.indexOf(all[i] as Stream) + 1}` : "";
}

/** `t` without its typed keys, for a helper outside a component (keys checked by i18n.test). */
type T = (key: string, options?: Record<string, unknown>) => string;

function streamRows(s: Stream, n: string, t: T): Row[] {
  if (s.type === "video") {
    return [
      [t("explorer.media.videoCodec") + n, s.codec],
      [t("explorer.media.resolution") + n, s.resolution],
    ];
  }
  const channels =
    s.channels === 1
      ? t("explorer.media.mono")
      : s.channels === 2
        ? t("explorer.media.stereo")
        : s.channels
          ? t("explorer.media.channels", { count: s.channels })
          : undefined;
  const sound = [s.rate, channels, s.bitrate].filter(Boolean).join(" · ");
  return [
    [t("explorer.media.audioCodec") + n, s.codec],
    [t("explorer.media.sound") + n, sound],
  ];
}
