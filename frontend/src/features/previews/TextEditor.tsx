//! Text and code in CodeMirror: highlighted by the language its name suggests (each language
//! pack a lazy chunk), editable when the file is the user's own (not a snapshot's, which is read
//! only though the user owns it), saved (button or Ctrl+S) as a
//! new version with `PUT /file/content`. While there are unsaved changes the viewer asks before
//! closing (`unsaved.ts`) and the browser before leaving the page.

import { LanguageDescription } from "@codemirror/language";
import { languages } from "@codemirror/language-data";
import { Compartment, EditorState } from "@codemirror/state";
import { oneDark } from "@codemirror/theme-one-dark";
import { EditorView, keymap } from "@codemirror/view";
import { Badge, Button, Text, useComputedColorScheme } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconDeviceFloppy } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { basicSetup } from "codemirror";
import { useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { FileInfo } from "../../api/client";
import { saveText } from "../../api/content";
import { notifyError } from "../../lib/errors";
import { formatBytes } from "../../lib/format";
import { isEditable } from "./editable";
import classes from "./Preview.module.css";
import { textKey } from "./text";
import { setUnsaved } from "./unsaved";

type Props = {
  file: FileInfo;
  text: string;
  /** Extra controls at the start of the toolbar (the markdown viewer's mode switch). */
  children?: React.ReactNode;
};

export function TextEditor({ file, text, children }: Props) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const theme = useRef(new Compartment());
  const language = useRef(new Compartment());
  const base = useRef(file.primary_entity);
  const [dirty, setDirty] = useState(false);
  const [saving, setSaving] = useState(false);
  const [size, setSize] = useState(file.size);
  const dark = useComputedColorScheme("light") === "dark";
  const editable = isEditable(file);

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
  }, [file, editable, queryClient, t]);
  const saveRef = useRef(save);
  saveRef.current = save;

  useEffect(() => {
    if (!dirty) return;
    setUnsaved({ name: file.name, save: () => saveRef.current() });
    const leaving = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", leaving);
    return () => {
      setUnsaved(null);
      window.removeEventListener("beforeunload", leaving);
    };
  }, [dirty, file.name]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the editor is made once per file; theme changes go through its compartment.
  useEffect(() => {
    if (!host.current) return;
    const editor = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: text,
        extensions: [
          basicSetup,
          EditorView.lineWrapping,
          EditorState.readOnly.of(!editable),
          EditorView.editable.of(editable),
          EditorView.contentAttributes.of({
            "aria-label": t("preview.editor", { name: file.name }),
          }),
          keymap.of([
            {
              key: "Mod-s",
              preventDefault: true,
              run: () => {
                saveRef.current();
                return true;
              },
            },
          ]),
          theme.current.of(dark ? oneDark : []),
          language.current.of([]),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) setDirty(true);
          }),
        ],
      }),
    });
    view.current = editor;
    const description = LanguageDescription.matchFilename(languages, file.name);
    description?.load().then((support) => {
      if (view.current === editor) {
        editor.dispatch({ effects: language.current.reconfigure(support) });
      }
    });
    return () => {
      editor.destroy();
      view.current = null;
    };
  }, [file.path]);

  useEffect(() => {
    view.current?.dispatch({ effects: theme.current.reconfigure(dark ? oneDark : []) });
  }, [dark]);

  return (
    <>
      <div className={classes.toolbar}>
        {children}
        <Text size="xs" c="dimmed">
          {formatBytes(size)}
        </Text>
        {!editable && (
          <Badge variant="light" color="gray">
            {t("preview.readOnly")}
          </Badge>
        )}
        {editable && (
          <Button
            ml="auto"
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
