//! Images as a gallery: the image, arrows (and the arrow keys) to the previous and next image of
//! the folder, and a strip of thumbnails. A HEIC or RAW picture, which browsers cannot draw,
//! shows the server's thumbnail of it.
import { ActionIcon, Alert, Center, Loader, Text, UnstyledButton } from "@mantine/core";
import { IconChevronLeft, IconChevronRight } from "@tabler/icons-react";
import { useEffect, useMemo, useRef } from "react";
import { useTranslation } from "react-i18next";
import type { FileInfo } from "../../api/client";
import { errorMessage } from "../../lib/errors";
import { drawable, previewKind } from "./kinds";
import classes from "./Preview.module.css";
import { showInPreview } from "./store";
import { useContentUrl, useThumbUrl } from "./urls";

type Props = { file: FileInfo; siblings: FileInfo[] };

export function ImageGallery({ file, siblings }: Props) {
  const { t } = useTranslation();
  const images = useMemo(() => {
    const list = siblings.filter((f) => f.type === 0 && previewKind(f.name) === "image");
    return list.some((f) => f.path === file.path) ? list : [file];
  }, [siblings, file]);
  const index = images.findIndex((f) => f.path === file.path);
  const prev = images[index - 1];
  const next = images[index + 1];
  const content = useContentUrl(file.path);
  const thumb = useThumbUrl(file.path);
  const url = drawable(file.name) ? content : thumb;

  useArrowKeys(prev, next);

  return (
    <>
      <div className={classes.stage}>
        {url.isPending ? (
          <Loader aria-label={t("preview.loading")} />
        ) : url.isError ? (
          <Alert color="red" role="alert">
            {errorMessage(url.error)}
          </Alert>
        ) : (
          <img
            className={classes.image}
            src={url.data}
            alt={file.name}
            data-testid="preview-image"
          />
        )}
        {prev && (
          <ActionIcon
            className={`${classes.arrow} ${classes.prev}`}
            variant="default"
            size="xl"
            radius="xl"
            aria-label={t("preview.previous")}
            onClick={() => showInPreview(prev)}
          >
            <IconChevronLeft />
          </ActionIcon>
        )}
        {next && (
          <ActionIcon
            className={`${classes.arrow} ${classes.next}`}
            variant="default"
            size="xl"
            radius="xl"
            aria-label={t("preview.next")}
            onClick={() => showInPreview(next)}
          >
            <IconChevronRight />
          </ActionIcon>
        )}
      </div>
      {images.length > 1 && (
        <nav className={classes.strip} aria-label={t("preview.thumbnails")}>
          {images.map((image, i) => (
            <Thumb key={image.path} file={image} current={i === index} />
          ))}
        </nav>
      )}
      <Center pb={4}>
        <Text size="xs" c="dimmed">
          {t("preview.position", { index: index + 1, count: images.length })}
        </Text>
      </Center>
    </>
  );
}

/** The arrow keys go to the previous and next image. */
function useArrowKeys(prev?: FileInfo, next?: FileInfo) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "ArrowLeft" && prev) showInPreview(prev);
      else if (e.key === "ArrowRight" && next) showInPreview(next);
      else return;
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [prev, next]);
}

function Thumb({ file, current }: { file: FileInfo; current: boolean }) {
  const url = useThumbUrl(file.path);
  const self = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (current) self.current?.scrollIntoView?.({ block: "nearest", inline: "nearest" });
  }, [current]);
  return (
    <UnstyledButton
      ref={self}
      className={classes.thumb}
      aria-current={current}
      aria-label={file.name}
      onClick={() => showInPreview(file)}
    >
      {url.data && <img src={url.data} alt="" loading="lazy" />}
    </UnstyledButton>
  );
}
