//! The viewer window: the file's name, download and close in the header, and the viewer for its
//! kind below. Each heavy viewer is its own chunk. Closing over an editor with unsaved changes
//! asks first.
import { ActionIcon, Box, Center, Group, Loader, Modal, Text, Tooltip } from "@mantine/core";
import { IconDownload, IconX } from "@tabler/icons-react";
import { lazy, Suspense, useState } from "react";
import { useTranslation } from "react-i18next";
import { downloadFiles } from "../../lib/downloads";
import { ImageGallery } from "./ImageGallery";
import { previewKind } from "./kinds";
import classes from "./Preview.module.css";
import type { PreviewState } from "./store";
import { UnsavedDialog } from "./UnsavedDialog";
import { type Unsaved, unsavedChanges } from "./unsaved";

const PdfPreview = lazy(() => import("./PdfPreview"));
const EpubPreview = lazy(() => import("./EpubPreview"));
const FileAppPreview = lazy(() => import("./FileAppPreview"));
const TextPreview = lazy(() => import("./TextPreview"));
const MarkdownPreview = lazy(() => import("./MarkdownPreview"));
const AudioPreview = lazy(() => import("./AudioPreview"));
const VideoPreview = lazy(() => import("./VideoPreview"));

type Props = { preview: PreviewState; onClose: () => void };

export default function PreviewModal({ preview, onClose }: Props) {
  const { t } = useTranslation();
  const { file } = preview;
  const [asking, setAsking] = useState<Unsaved | null>(null);
  const requestClose = () => {
    const unsaved = unsavedChanges();
    if (unsaved) setAsking(unsaved);
    else onClose();
  };

  return (
    <>
      <Modal.Root
        opened
        onClose={requestClose}
        fullScreen
        zIndex={250}
        classNames={{ content: classes.content }}
      >
        <Modal.Overlay />
        <Modal.Content
          className={classes.content}
          aria-label={t("preview.title", { name: file.name })}
        >
          <Modal.Header className={classes.header}>
            <Modal.Title miw={0} style={{ flex: 1 }}>
              <Text fw={600} truncate="end" title={file.name} data-testid="preview-name">
                {file.name}
              </Text>
            </Modal.Title>
            <Group gap={4} wrap="nowrap">
              <Tooltip label={t("preview.download")}>
                <ActionIcon
                  variant="subtle"
                  color="gray"
                  size="lg"
                  aria-label={t("preview.download")}
                  onClick={() => downloadFiles([file])}
                >
                  <IconDownload size={18} />
                </ActionIcon>
              </Tooltip>
              <ActionIcon
                variant="subtle"
                color="gray"
                size="lg"
                aria-label={t("preview.close")}
                onClick={requestClose}
              >
                <IconX size={18} />
              </ActionIcon>
            </Group>
          </Modal.Header>
          <Modal.Body className={classes.body}>
            <Suspense
              fallback={
                <Center h="100%">
                  <Loader aria-label={t("preview.loading")} />
                </Center>
              }
            >
              <Box className={classes.viewer} key={file.path}>
                <Viewer preview={preview} />
              </Box>
            </Suspense>
          </Modal.Body>
        </Modal.Content>
      </Modal.Root>
      {asking && (
        <UnsavedDialog unsaved={asking} onLeave={onClose} onStay={() => setAsking(null)} />
      )}
    </>
  );
}

/** The viewer of the file's kind, each but the gallery a chunk of its own. */
function Viewer({ preview: { file, siblings } }: { preview: PreviewState }) {
  switch (previewKind(file.name)) {
    case "image":
      return <ImageGallery file={file} siblings={siblings} />;
    case "video":
      return <VideoPreview file={file} siblings={siblings} />;
    case "audio":
      return <AudioPreview file={file} siblings={siblings} />;
    case "pdf":
      return <PdfPreview file={file} />;
    case "epub":
      return <EpubPreview file={file} />;
    case "drawio":
    case "excalidraw":
      return <FileAppPreview file={file} />;
    case "text":
      return <TextPreview file={file} />;
    case "markdown":
      return <MarkdownPreview file={file} />;
    default:
      return null;
  }
}
