// The CodeMirror view of a text file: made once per file, highlighted by the language its name
// suggests (each language pack a lazy chunk), read only unless `editable`, Ctrl+S saving, the
// search panel in the page's language, and the dark theme following the page's. A large file
// is read only and unwrapped: CodeMirror draws only the lines in view, and a wrapped line's
// height is not known until it is measured, which makes scrolling a long file jump.
import { LanguageDescription } from "@codemirror/language";
import { languages } from "@codemirror/language-data";
import { Compartment, EditorState, type Extension } from "@codemirror/state";
import { oneDark } from "@codemirror/theme-one-dark";
import { EditorView, keymap } from "@codemirror/view";
import { useComputedColorScheme } from "@mantine/core";
import { basicSetup } from "codemirror";
import type { TFunction } from "i18next";
import { type RefObject, useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import type { FileInfo } from "../../api/client";

type Options = {
  /** Set to the editor while it exists. */
  view: RefObject<EditorView | null>;
  host: RefObject<HTMLDivElement | null>;
  file: FileInfo;
  text: string;
  editable: boolean;
  /** A file too large to edit comfortably: read only, lines not wrapped. */
  large: boolean;
  /** The latest save, run by Ctrl+S. */
  saveRef: RefObject<() => Promise<boolean>>;
  /** Called with true on each change of the text. */
  setDirty: (dirty: boolean) => void;
  /** Called with the number of lines, at first and on each change. */
  setLines: (lines: number) => void;
};

export function useCodeMirror(options: Options) {
  const { view, host, file, text, editable, large, saveRef, setDirty, setLines } = options;
  const { t } = useTranslation();
  const theme = useRef(new Compartment());
  const language = useRef(new Compartment());
  const dark = useComputedColorScheme("light") === "dark";

  // biome-ignore lint/correctness/useExhaustiveDependencies: the editor is made once per file; theme changes go through its compartment.
  useEffect(() => {
    if (!host.current) return;
    const writable = editable && !large;
    const editor = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: text,
        extensions: [
          basicSetup,
          large ? [] : EditorView.lineWrapping,
          EditorState.readOnly.of(!writable),
          EditorView.editable.of(writable),
          EditorView.contentAttributes.of({
            "aria-label": t("preview.editor", { name: file.name }),
          }),
          EditorState.phrases.of(phrases(t)),
          saveKey(saveRef),
          theme.current.of(dark ? oneDark : []),
          language.current.of([]),
          EditorView.updateListener.of((update) => {
            if (!update.docChanged) return;
            setDirty(true);
            setLines(update.state.doc.lines);
          }),
        ],
      }),
    });
    view.current = editor;
    setLines(editor.state.doc.lines);
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

function saveKey(saveRef: RefObject<() => Promise<boolean>>): Extension {
  return keymap.of([
    {
      key: "Mod-s",
      preventDefault: true,
      run: () => {
        saveRef.current();
        return true;
      },
    },
  ]);
}

/** CodeMirror's words for its search panel, in the page's language. */
function phrases(t: TFunction): Record<string, string> {
  return {
    Find: t("preview.search.find"),
    Replace: t("preview.search.replace"),
    next: t("preview.search.next"),
    previous: t("preview.search.previous"),
    all: t("preview.search.all"),
    "match case": t("preview.search.matchCase"),
    regexp: t("preview.search.regexp"),
    "by word": t("preview.search.byWord"),
    replace: t("preview.search.replaceOne"),
    "replace all": t("preview.search.replaceAll"),
    close: t("preview.search.close"),
    "Go to line": t("preview.search.goToLine"),
    go: t("preview.search.go"),
  };
}
