//! Audio, streamed by the browser from the signed content URL, as one song of a playlist: the
//! folder's audio files in the order the explorer lists them, with previous and next buttons,
//! and the next song starting when one ends. A song shows its cover beside the player: the
//! thumbnail the server cuts from the embedded picture, a note when it has none.
import { ActionIcon, Group, Text, Tooltip } from "@mantine/core";
import { IconMusic, IconPlayerSkipBack, IconPlayerSkipForward } from "@tabler/icons-react";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import type { FileInfo } from "../../api/client";
import { useFileThumb } from "../../api/files/thumbnails";
import { previewKind } from "./kinds";
import { MediaFallback } from "./MediaFallback";
import { Playlist } from "./Playlist";
import classes from "./Preview.module.css";
import { showInPreview } from "./store";
import { useContentUrl } from "./urls";

export default function AudioPreview({ file, siblings }: { file: FileInfo; siblings: FileInfo[] }) {
  const songs = useMemo(() => playlist(file, siblings), [file, siblings]);
  const index = songs.findIndex((song) => song.path === file.path);
  const previous = songs[index - 1];
  const next = songs[index + 1];
  return (
    <div className={classes.audio}>
      <div className={classes.stage}>
        <Song
          file={file}
          onEnded={() => next && showInPreview(next)}
          skip={
            songs.length > 1 && (
              <SkipButtons
                previous={previous}
                next={next}
                position={{ index: index + 1, count: songs.length }}
              />
            )
          }
        />
      </div>
      {songs.length > 1 && <Playlist songs={songs} current={file} />}
    </div>
  );
}

/** The folder's audio files as listed, `file` among them even when the listing lacks it. */
function playlist(file: FileInfo, siblings: FileInfo[]): FileInfo[] {
  const songs = siblings.filter((f) => f.type === 0 && previewKind(f.name) === "audio");
  return songs.some((song) => song.path === file.path) ? songs : [file];
}

function Song({
  file,
  onEnded,
  skip,
}: {
  file: FileInfo;
  onEnded: () => void;
  skip: React.ReactNode;
}) {
  const { t } = useTranslation();
  const url = useContentUrl(file.path);
  const cover = useFileThumb(file.path, file.updated_at);
  // The tags, when the listing carries them (the header already names the file).
  const title = file.metadata?.["music:title"];
  const artist = file.metadata?.["music:artist"];
  return (
    <div className={classes.song}>
      <div className={classes.cover} data-testid="preview-cover">
        {cover.data ? (
          <img src={cover.data} alt={t("preview.coverOf", { name: file.name })} />
        ) : (
          <IconMusic size={96} stroke={1.2} aria-hidden color="var(--mantine-color-dimmed)" />
        )}
      </div>
      <div className={classes.player}>
        {title && (
          <Text fw={600} truncate>
            {title}
          </Text>
        )}
        {artist && (
          <Text size="sm" c="dimmed" truncate>
            {artist}
          </Text>
        )}
        {url.data ? (
          // biome-ignore lint/a11y/useMediaCaption: people's own recordings come without captions.
          <audio
            src={url.data}
            controls
            autoPlay
            preload="metadata"
            aria-label={file.name}
            data-testid="preview-audio"
            onEnded={onEnded}
          />
        ) : (
          <MediaFallback error={url.error} />
        )}
        {skip}
      </div>
    </div>
  );
}

function SkipButtons({
  previous,
  next,
  position,
}: {
  previous?: FileInfo;
  next?: FileInfo;
  position: { index: number; count: number };
}) {
  const { t } = useTranslation();
  return (
    <Group gap="xs" justify="center">
      <Tooltip label={t("preview.previousSong")}>
        <ActionIcon
          variant="default"
          size="lg"
          aria-label={t("preview.previousSong")}
          disabled={!previous}
          onClick={() => previous && showInPreview(previous)}
        >
          <IconPlayerSkipBack size={18} />
        </ActionIcon>
      </Tooltip>
      <Text size="sm" c="dimmed" data-testid="preview-song-position">
        {t("preview.position", position)}
      </Text>
      <Tooltip label={t("preview.nextSong")}>
        <ActionIcon
          variant="default"
          size="lg"
          aria-label={t("preview.nextSong")}
          disabled={!next}
          onClick={() => next && showInPreview(next)}
        >
          <IconPlayerSkipForward size={18} />
        </ActionIcon>
      </Tooltip>
    </Group>
  );
}
