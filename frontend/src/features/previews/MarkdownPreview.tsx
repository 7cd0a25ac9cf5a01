//! Markdown: rendered by marked, then sanitized by DOMPurify before it reaches the page (no
//! scripts, event handlers or `javascript:` links from a file); "Edit" switches to the editor.
import { Button } from "@mantine/core";
import { IconEye, IconPencil } from "@tabler/icons-react";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import type { FileInfo } from "../../api/client";
import markdown from "../../components/Markdown.module.css";
import { renderMarkdown } from "../../lib/markdown";
import { isEditable } from "./editable";
import classes from "./Preview.module.css";
import { TextEditor } from "./TextEditor";
import { Loading, TextFailed } from "./TextPreview";
import { useFileText } from "./text";

export default function MarkdownPreview({ file }: { file: FileInfo }) {
  const { t } = useTranslation();
  const text = useFileText(file);
  const [editing, setEditing] = useState(false);
  const html = useMemo(
    () => (text.data === undefined ? "" : renderMarkdown(text.data)),
    [text.data],
  );

  if (text.isPending) return <Loading />;
  if (text.isError) return <TextFailed file={file} error={text.error} />;
  if (editing) {
    return (
      <TextEditor file={file} text={text.data}>
        <Button
          size="xs"
          variant="default"
          leftSection={<IconEye size={14} />}
          onClick={() => setEditing(false)}
        >
          {t("preview.showRendered")}
        </Button>
      </TextEditor>
    );
  }
  return (
    <>
      {isEditable(file) && (
        <div className={classes.toolbar}>
          <Button
            size="xs"
            variant="default"
            leftSection={<IconPencil size={14} />}
            onClick={() => setEditing(true)}
          >
            {t("preview.edit")}
          </Button>
        </div>
      )}
      <article
        className={markdown.markdown}
        data-testid="preview-markdown"
        // biome-ignore lint/security/noDangerouslySetInnerHtml: sanitized by DOMPurify just above.
        dangerouslySetInnerHTML={{ __html: html }}
      />
    </>
  );
}
