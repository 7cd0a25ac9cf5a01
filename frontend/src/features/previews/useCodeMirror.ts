// The CodeMirror view of a text file: made once per file, highlighted by the language its name
// suggests (each language pack a lazy chunk), read only unless `editable`, Ctrl+S saving, and
// the dark theme following the page's.
import { LanguageDescription } from "@codemirror/language";
import { languages } from "@codemirror/language-data";
import { Compartment, EditorState } from "@codemirror/state";
import { oneDark } from "@codemirror/theme-one-dark";
import { EditorView, keymap } from "@codemirror/view";
import { useComputedColorScheme } from "@mantine/core";
import { basicSetup } from "codemirror";
import { type RefObject, useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import type { FileInfo } from "../../api/client";

export function useCodeMirror({
  view,
  host,
  file,
  text,
  editable,
  saveRef,
  setDirty,
}: {
  /** Set to the editor while it exists. */
  view: RefObject<EditorView | null>;
  host: RefObject<HTMLDivElement | null>;
  file: FileInfo;
  text: string;
  editable: boolean;
  /** The latest save, run by Ctrl+S. */
  saveRef: RefObject<() => Promise<boolean>>;
  /** Called with true on each change of the text. */
  setDirty: (dirty: boolean) => void;
}) {
  const { t } = useTranslation();
  const theme = useRef(new Compartment());
  const language = useRef(new Compartment());
  const dark = useComputedColorScheme("light") === "dark";

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
  }, [dark, view]);
}
