//! Text and code in CodeMirror: highlighted by the language its name suggests (each language
//! pack a lazy chunk), with line numbers, a line count and a search panel (button or Ctrl+F),
//! editable when `isEditable` says so (the user's own, or granted to them with write access;
//! never a snapshot's) and not larger than LARGE_TEXT_BYTES, saved (button or Ctrl+S) as a
//! new version with `PUT /file/content`. While there are unsaved changes the viewer asks before
//! closing (`unsaved.ts`) and the browser before leaving the page.

import { openSearchPanel } from "@codemirror/search";
import type { EditorView } from "@codemirror/view";
import { ActionIcon, Badge, Button, Text, Tooltip } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconDeviceFloppy, IconSearch } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { type RefObject, useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { FileInfo } from "../../api/client";
import { saveText } from "../../api/files/content";
import { notifyError } from "../../lib/errors";
import { formatBytes } from "../../lib/format";
import { isEditable } from "./editable";
import classes from "./Preview.module.css";
import { textKey } from "./text";
import { setUnsaved } from "./unsaved";
import { useCodeMirror } from "./useCodeMirror";

/**
 * Above this a text is shown read only and unwrapped, so that scrolling and searching stay
 * quick (up to MAX_TEXT_BYTES, past which it is offered as a download).
 */
export const LARGE_TEXT_BYTES = 1024 * 1024;

type Props = {
  file: FileInfo;
  text: string;
  /** Extra controls at the start of the toolbar (the markdown viewer's mode switch). */
  children?: React.ReactNode;
};

export function TextEditor({ file, text, children }: Props) {
  const { t } = useTranslation();
  const host = useRef<HTMLDivElement>(null);
  const [dirty, setDirty] = useState(false);
  const [lines, setLines] = useState(0);
  const large = file.size > LARGE_TEXT_BYTES;
  const editable = isEditable(file) && !large;
  const view = useRef<EditorView | null>(null);
  const { save, saving, size } = useSave(file, editable, view, setDirty);

  const saveRef = useRef(save);
  saveRef.current = save;

  useCodeMirror({ view, host, file, text, editable, large, saveRef, setDirty, setLines });
  useUnsavedGuard(dirty, file.name, saveRef);

  return (
    <>
      <div className={classes.toolbar}>
        {children}
        <Text size="xs" c="dimmed" data-testid="preview-lines">
          {t("preview.lineCount", { lines: lines.toLocaleString(), size: formatBytes(size) })}
        </Text>
        {!editable && (
          <Tooltip label={t("preview.largeHint")} disabled={!large}>
            <Badge variant="light" color="gray">
              {large ? t("preview.largeReadOnly") : t("preview.readOnly")}
            </Badge>
          </Tooltip>
        )}
        <Tooltip label={t("preview.search.open")}>
          <ActionIcon
            variant="subtle"
            color="gray"
            ml="auto"
            aria-label={t("preview.search.open")}
            onClick={() => view.current && openSearchPanel(view.current)}
          >
            <IconSearch size={16} />
          </ActionIcon>
        </Tooltip>
        {editable && (
          <Button
            size="xs"
            leftSection={<IconDeviceFloppy size={14} />}
            disabled={!dirty}
            loading={saving}
            onClick={() => save()}
          >
            {t("preview.save")}
          </Button>
        )}
      </div>
      <div ref={host} className={classes.editor} data-testid="preview-text" />
    </>
  );
}

/**
 * Saves the editor's text as a new version of `file`, based on the version the edit started
 * from (moved on by each save); the text saved becomes the cached one.
 */
function useSave(
  file: FileInfo,
  editable: boolean,
  view: RefObject<EditorView | null>,
  setDirty: (dirty: boolean) => void,
) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const base = useRef(file.primary_entity);
  const [saving, setSaving] = useState(false);
  const [size, setSize] = useState(file.size);
  const save = useCallback(async (): Promise<boolean> => {
    const editor = view.current;
    if (!editor || !editable) return false;
    const content = editor.state.doc.toString();
    setSaving(true);
    try {
      const saved = await saveText(file, content, base.current);
      base.current = saved.primary_entity;
      setSize(saved.size);
      queryClient.setQueryData(textKey(file.path), content);
      setDirty(editor.state.doc.toString() !== content);
      notifications.show({ color: "teal", message: t("preview.saved", { name: file.name }) });
      return true;
    } catch (e) {
      notifyError(e);
      return false;
    } finally {
      setSaving(false);
    }
  }, [file, editable, queryClient, t, view, setDirty]);
  return { save, saving, size };
}

/** While there are unsaved changes: the viewer asks before closing, the browser before leaving. */
function useUnsavedGuard(dirty: boolean, name: string, saveRef: RefObject<() => Promise<boolean>>) {
  useEffect(() => {
    if (!dirty) return;
    setUnsaved({ name: name, save: () => saveRef.current() });
    const leaving = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", leaving);
    return () => {
      setUnsaved(null);
      window.removeEventListener("beforeunload", leaving);
    };
  }, [dirty, name, saveRef]);
}
