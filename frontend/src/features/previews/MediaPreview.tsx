//! Video and audio, streamed by the browser from the signed content URL (it asks with `Range`
//! as it plays and seeks). A song shows its cover beside the player: the thumbnail the server
//! cuts from the embedded picture, a note when it has none.
import { Alert, Center, Loader, Text } from "@mantine/core";
import { IconMusic } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import type { FileInfo } from "../../api/client";
import { useFileThumb } from "../../api/thumbnails";
import { errorMessage } from "../../lib/errors";
import classes from "./Preview.module.css";
import { useContentUrl } from "./urls";

type Props = { file: FileInfo; kind: "video" | "audio" };

export function MediaPreview({ file, kind }: Props) {
  const { t } = useTranslation();
  const url = useContentUrl(file.path);
  if (url.isPending) {
    return (
      <Center flex={1}>
        <Loader aria-label={t("preview.loading")} />
      </Center>
    );
  }
  if (url.isError) {
    return (
      <Center flex={1} p="md">
        <Alert color="red" role="alert">
          {errorMessage(url.error)}
        </Alert>
      </Center>
    );
  }
  return (
    <div className={classes.stage}>
      {kind === "video" ? (
        // biome-ignore lint/a11y/useMediaCaption: people's own videos come without captions.
        <video
          className={classes.media}
          src={url.data}
          controls
          autoPlay
          playsInline
          preload="metadata"
          aria-label={file.name}
          data-testid="preview-video"
        />
      ) : (
        <Song file={file} url={url.data} />
      )}
    </div>
  );
}

function Song({ file, url }: { file: FileInfo; url: string }) {
  const { t } = useTranslation();
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
        {/* biome-ignore lint/a11y/useMediaCaption: people's own recordings come without captions. */}
        <audio
          src={url}
          controls
          autoPlay
          preload="metadata"
          aria-label={file.name}
          data-testid="preview-audio"
        />
      </div>
    </div>
  );
}
