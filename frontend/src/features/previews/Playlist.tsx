//! The folder's songs under the player: each by its title tag (else its name) and artist; the
//! one playing is marked and kept in view, and choosing another plays it.
import { Text, UnstyledButton } from "@mantine/core";
import { IconPlayerPlayFilled } from "@tabler/icons-react";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import type { FileInfo } from "../../api/client";
import classes from "./Preview.module.css";
import { showInPreview } from "./store";

export function Playlist({ songs, current }: { songs: FileInfo[]; current: FileInfo }) {
  const { t } = useTranslation();
  const playing = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    playing.current?.scrollIntoView({ block: "nearest" });
  }, []);
  return (
    <nav className={classes.playlist} aria-label={t("preview.playlist")}>
      {songs.map((song) => {
        const here = song.path === current.path;
        const title = song.metadata?.["music:title"] || song.name;
        const artist = song.metadata?.["music:artist"];
        return (
          <UnstyledButton
            key={song.path}
            ref={here ? playing : undefined}
            className={classes.track}
            aria-current={here || undefined}
            onClick={() => !here && showInPreview(song)}
          >
            <span className={classes.trackMark}>
              {here && <IconPlayerPlayFilled size={12} aria-hidden />}
            </span>
            <Text size="sm" truncate fw={here ? 600 : undefined} style={{ flex: 1 }}>
              {title}
            </Text>
            {artist && (
              <Text size="xs" c="dimmed" truncate maw="40%">
                {artist}
              </Text>
            )}
          </UnstyledButton>
        );
      })}
    </nav>
  );
}
