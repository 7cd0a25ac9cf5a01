//! PDF, drawn by pdf.js (a lazy chunk; its worker is a separate file): one page at a time, with
//! page and zoom controls. pdf.js fetches the file with `Range` requests as it needs pages.
import { ActionIcon, Loader, Text } from "@mantine/core";
import { IconChevronLeft, IconChevronRight, IconZoomIn, IconZoomOut } from "@tabler/icons-react";
import { GlobalWorkerOptions, getDocument, type PDFDocumentProxy } from "pdfjs-dist";
import workerUrl from "pdfjs-dist/build/pdf.worker.min.mjs?url";
import { type RefObject, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { FileInfo } from "../../api/client";
import { errorMessage } from "../../lib/errors";
import classes from "./Preview.module.css";
import { PreviewFailed } from "./PreviewFailed";
import { useContentUrl } from "./urls";

GlobalWorkerOptions.workerSrc = workerUrl;

const ZOOMS = [0.5, 0.75, 1, 1.25, 1.5, 2, 3];

export default function PdfPreview({ file }: { file: FileInfo }) {
  const { t } = useTranslation();
  const url = useContentUrl(file.path);
  const [page, setPage] = useState(1);
  const [zoom, setZoom] = useState(2);
  const canvas = useRef<HTMLCanvasElement>(null);
  const { doc, failed, drawn } = usePdf(url.data, canvas, page, zoom);

  const error = url.error ?? failed;
  if (error) {
    return <PreviewFailed>{errorMessage(error)}</PreviewFailed>;
  }
  const pages = doc?.numPages ?? 0;
  return (
    <>
      <PdfToolbar page={page} pages={pages} setPage={setPage} zoom={zoom} setZoom={setZoom} />
      <div className={classes.pdfScroll}>
        {!doc && <Loader aria-label={t("preview.loading")} />}
        <canvas
          ref={canvas}
          className={classes.pdfCanvas}
          data-testid="preview-pdf"
          data-drawn-page={drawn || undefined}
          aria-label={t("preview.page", { page, count: pages })}
          hidden={!doc}
        />
      </div>
    </>
  );
}

/**
 * The document at `url`, opened by pdf.js, and page `page` drawn on `canvas` at zoom step
 * `zoom` (sharp on high-density screens); `drawn` is the last page drawn in full.
 */
function usePdf(
  url: string | undefined,
  canvas: RefObject<HTMLCanvasElement | null>,
  page: number,
  zoom: number,
) {
  const [doc, setDoc] = useState<PDFDocumentProxy | null>(null);
  const [failed, setFailed] = useState<unknown>(null);
  const [drawn, setDrawn] = useState(0);

  useEffect(() => {
    if (!url) return;
    const task = getDocument({ url });
    task.promise.then(setDoc, (e: unknown) => setFailed(e));
    return () => {
      task.destroy();
    };
  }, [url]);

  useEffect(() => {
    const target = canvas.current;
    if (!doc || !target) return;
    let cancelled = false;
    let render: { cancel: () => void } | null = null;
    doc.getPage(page).then((p) => {
      if (cancelled) return;
      const ratio = window.devicePixelRatio || 1;
      const viewport = p.getViewport({ scale: (ZOOMS[zoom] ?? 1) * ratio });
      target.width = Math.floor(viewport.width);
      target.height = Math.floor(viewport.height);
      target.style.width = `${Math.floor(viewport.width / ratio)}px`;
      target.style.height = `${Math.floor(viewport.height / ratio)}px`;
      const task = p.render({ canvas: target, viewport });
      render = task;
      task.promise.then(
        () => !cancelled && setDrawn(page),
        () => {},
      );
    }, setFailed);
    return () => {
      cancelled = true;
      render?.cancel();
    };
  }, [doc, page, zoom, canvas.current]);

  return { doc, failed, drawn };
}

function PdfToolbar({
  page,
  pages,
  setPage,
  zoom,
  setZoom,
}: {
  page: number;
  pages: number;
  setPage: (page: number) => void;
  /** An index of ZOOMS. */
  zoom: number;
  setZoom: (zoom: number) => void;
}) {
  const { t } = useTranslation();
  return (
    <div className={classes.toolbar}>
      <ActionIcon
        variant="default"
        aria-label={t("preview.previousPage")}
        disabled={page <= 1}
        onClick={() => setPage(page - 1)}
      >
        <IconChevronLeft size={16} />
      </ActionIcon>
      <Text size="sm" aria-live="polite">
        {t("preview.page", { page, count: pages })}
      </Text>
      <ActionIcon
        variant="default"
        aria-label={t("preview.nextPage")}
        disabled={page >= pages}
        onClick={() => setPage(page + 1)}
      >
        <IconChevronRight size={16} />
      </ActionIcon>
      <ActionIcon
        variant="default"
        ml="md"
        aria-label={t("preview.zoomOut")}
        disabled={zoom <= 0}
        onClick={() => setZoom(zoom - 1)}
      >
        <IconZoomOut size={16} />
      </ActionIcon>
      <Text size="sm" w={48} ta="center">
        {Math.round((ZOOMS[zoom] ?? 1) * 100)}%
      </Text>
      <ActionIcon
        variant="default"
        aria-label={t("preview.zoomIn")}
        disabled={zoom >= ZOOMS.length - 1}
        onClick={() => setZoom(zoom + 1)}
      >
        <IconZoomIn size={16} />
      </ActionIcon>
    </div>
  );
}
