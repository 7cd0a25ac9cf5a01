//! Video, streamed by the browser from the signed content URL (it asks with `Range` as it plays
//! and seeks), with the subtitles and chapters found beside it (subtitles.ts): a picker for the
//! subtitle track shown, and the chapters as a list that seeks.
import { Select, Text } from "@mantine/core";
import { IconBadgeCc } from "@tabler/icons-react";
import { type RefObject, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { FileInfo } from "../../api/client";
import { Chapters } from "./Chapters";
import { MediaFallback } from "./MediaFallback";
import classes from "./Preview.module.css";
import { type TextTrack, useTextTracks } from "./subtitles";
import { useContentUrl } from "./urls";

const OFF = "";

export default function VideoPreview({ file, siblings }: { file: FileInfo; siblings: FileInfo[] }) {
  const url = useContentUrl(file.path);
  const tracks = useTextTracks(file, siblings).data ?? [];
  const subtitles = tracks.filter((track) => track.kind === "subtitles");
  const chapters = tracks.find((track) => track.kind === "chapters");
  const video = useRef<HTMLVideoElement>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  // The first subtitle track shows until the user picks another (or none).
  const shown = chosen ?? subtitles[0]?.id ?? OFF;
  useShownTrack(video, tracks, shown);

  if (!url.data) return <MediaFallback error={url.error} />;
  return (
    <>
      {subtitles.length > 0 && (
        <SubtitlePicker tracks={subtitles} value={shown} onChange={setChosen} />
      )}
      <div className={classes.videoArea}>
        <div className={classes.stage}>
          {/* biome-ignore lint/a11y/useMediaCaption: the tracks are the files found beside the video, when there are any. */}
          <video
            ref={video}
            className={classes.media}
            src={url.data}
            controls
            autoPlay
            playsInline
            preload="metadata"
            aria-label={file.name}
            data-testid="preview-video"
          >
            {tracks.map((track) => (
              <track
                key={track.id}
                kind={track.kind}
                src={track.src}
                label={track.label}
                srcLang={track.lang}
              />
            ))}
          </video>
        </div>
        {chapters && <Chapters video={video} track={chapters} />}
      </div>
    </>
  );
}

/** Shows the track `shown` (an id, or OFF) and hides the other subtitles; chapters stay hidden. */
function useShownTrack(
  video: RefObject<HTMLVideoElement | null>,
  tracks: TextTrack[],
  shown: string,
) {
  useEffect(() => {
    const list = video.current?.textTracks;
    if (!list) return;
    const apply = () => {
      tracks.forEach((track, i) => {
        const element = list[i];
        if (!element) return;
        const mode =
          track.kind === "chapters" ? "hidden" : track.id === shown ? "showing" : "disabled";
        if (element.mode !== mode) element.mode = mode;
      });
    };
    apply();
    // The browser picks a track to show by itself when tracks arrive (its automatic track
    // selection); the choice made here is put back.
    list.addEventListener("change", apply);
    list.addEventListener("addtrack", apply);
    return () => {
      list.removeEventListener("change", apply);
      list.removeEventListener("addtrack", apply);
    };
  }, [video, tracks, shown]);
}

function SubtitlePicker({
  tracks,
  value,
  onChange,
}: {
  tracks: TextTrack[];
  value: string;
  onChange: (value: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <div className={classes.toolbar}>
      <IconBadgeCc size={18} aria-hidden />
      <Text size="sm" component="label" htmlFor="preview-subtitles">
        {t("preview.subtitles")}
      </Text>
      <Select
        id="preview-subtitles"
        size="xs"
        w={220}
        allowDeselect={false}
        comboboxProps={{ zIndex: 400 }}
        data={[
          { value: OFF, label: t("preview.subtitlesOff") },
          ...tracks.map((track) => ({ value: track.id, label: track.label })),
        ]}
        value={value}
        onChange={(v) => onChange(v ?? OFF)}
      />
    </div>
  );
}
