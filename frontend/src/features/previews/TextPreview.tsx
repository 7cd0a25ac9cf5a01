//! Text and code files: loaded, then shown in the editor.
import { Button, Center, Loader, Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { FileInfo } from "../../api/client";
import { MAX_TEXT_BYTES } from "../../api/files/content";
import { downloadFiles } from "../../lib/downloads";
import { errorMessage } from "../../lib/errors";
import { formatBytes } from "../../lib/format";
import { PreviewFailed } from "./PreviewFailed";
import { TextEditor } from "./TextEditor";
import { TooLargeError, useFileText } from "./text";

export default function TextPreview({ file }: { file: FileInfo }) {
  const text = useFileText(file);
  if (text.isPending) return <Loading />;
  if (text.isError) return <TextFailed file={file} error={text.error} />;
  return <TextEditor file={file} text={text.data} />;
}

export function Loading() {
  const { t } = useTranslation();
  return (
    <Center flex={1}>
      <Loader aria-label={t("preview.loading")} />
    </Center>
  );
}

export function TextFailed({ file, error }: { file: FileInfo; error: unknown }) {
  const { t } = useTranslation();
  if (error instanceof TooLargeError) {
    return (
      <Center flex={1} p="md">
        <Stack align="center">
          <Text>{t("preview.tooLarge", { size: formatBytes(MAX_TEXT_BYTES) })}</Text>
          <Button onClick={() => downloadFiles([file])}>{t("preview.download")}</Button>
        </Stack>
      </Center>
    );
  }
  return <PreviewFailed>{errorMessage(error)}</PreviewFailed>;
}
