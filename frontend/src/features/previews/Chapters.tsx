//! A video's chapters (a WebVTT chapters track the browser parsed): a list of their titles and
//! start times; choosing one seeks there, and the chapter playing is marked.
import { UnstyledButton } from "@mantine/core";
import { type RefObject, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import classes from "./Preview.module.css";
import type { TextTrack } from "./subtitles";

type Chapter = { start: number; title: string };

export function Chapters({
  video,
  track,
}: {
  video: RefObject<HTMLVideoElement | null>;
  track: TextTrack;
}) {
  const { t } = useTranslation();
  const { chapters, playing } = useChapters(video, track);
  if (chapters.length === 0) return null;
  return (
    <nav className={classes.chapters} aria-label={t("preview.chapters")}>
      {chapters.map((chapter, i) => (
        <UnstyledButton
          key={`${chapter.start}-${chapter.title}`}
          className={classes.chapter}
          aria-current={i === playing || undefined}
          onClick={() => {
            const element = video.current;
            if (element) element.currentTime = chapter.start;
          }}
        >
          <span className={classes.chapterTime}>{clock(chapter.start)}</span>
          <span>{chapter.title}</span>
        </UnstyledButton>
      ))}
    </nav>
  );
}

/** The chapters of `track` once the browser loaded it, and the index of the one playing. */
function useChapters(video: RefObject<HTMLVideoElement | null>, track: TextTrack) {
  const [chapters, setChapters] = useState<Chapter[]>([]);
  const [playing, setPlaying] = useState(-1);
  useEffect(() => {
    const element = video.current;
    // The cues arrive when the track has loaded; its <track> element says so.
    const trackElement = element?.querySelector<HTMLTrackElement>(`track[src="${track.src}"]`);
    if (!element || !trackElement) return;
    const text = trackElement.track;
    text.mode = "hidden";
    const read = () => {
      const cues = Array.from(text.cues ?? []) as VTTCue[];
      setChapters(cues.map((cue) => ({ start: cue.startTime, title: cue.text })));
    };
    const follow = () => {
      const now = element.currentTime;
      const cues = Array.from(text.cues ?? []);
      setPlaying(cues.findLastIndex((cue) => cue.startTime <= now));
    };
    trackElement.addEventListener("load", read);
    element.addEventListener("timeupdate", follow);
    read();
    return () => {
      trackElement.removeEventListener("load", read);
      element.removeEventListener("timeupdate", follow);
    };
  }, [video, track.src]);
  return { chapters, playing };
}

/** Seconds as m:ss or h:mm:ss. */
function clock(seconds: number): string {
  const s = Math.floor(seconds);
  const parts = [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60];
  const [, m, sec] = parts.map((n) => String(n).padStart(2, "0"));
  return parts[0] ? `${parts[0]}:${m}:${sec}` : `${Number(m)}:${sec}`;
}
