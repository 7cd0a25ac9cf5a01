//! Video and audio, streamed by the browser from the signed content URL (it asks with `Range`
//! as it plays and seeks).
import { Alert, Center, Loader } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { FileInfo } from "../../api/client";
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
        // biome-ignore lint/a11y/useMediaCaption: people's own recordings come without captions.
        <audio
          src={url.data}
          controls
          autoPlay
          preload="metadata"
          aria-label={file.name}
          data-testid="preview-audio"
        />
      )}
    </div>
  );
}
