//! A file opened in a file app (draw.io, or an Excalidraw page speaking the same protocol), framed
//! from the address the administrator set. The talk is draw.io's embed protocol in JSON: the
//! app says `init`, is sent the file (`load`), and answers `save` (stored as a new version with
//! `PUT /file/content`, based on the version it started from) and `exit` (closes the viewer).
//! Only messages from the frame itself, with the app's origin, are taken; the file is sent to
//! that origin only.
import { Center, Loader, useComputedColorScheme } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useQuery } from "@tanstack/react-query";
import { type RefObject, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { FileInfo } from "../../api/client";
import { fetchText, saveText } from "../../api/files/content";
import { errorMessage, notifyError } from "../../lib/errors";
import { isEditable } from "./editable";
import { embedUrl } from "./embed";
import type { FileApp } from "./fileApps";
import { fileAppFor } from "./kinds";
import classes from "./Preview.module.css";
import { PreviewFailed } from "./PreviewFailed";
import { closePreview } from "./store";

export default function FileAppPreview({ file }: { file: FileInfo }) {
  const { t, i18n } = useTranslation();
  const app = fileAppFor(file.name);
  const dark = useComputedColorScheme("light") === "dark";
  const editable = isEditable(file);
  const text = useQuery({
    queryKey: ["preview", "app", file.path, file.primary_entity],
    queryFn: ({ signal }) => fetchText(file.path, signal),
    gcTime: 0,
  });
  const frame = useRef<HTMLIFrameElement>(null);
  // The address is fixed when the viewer opens: a new scheme must not reload the editor.
  const [src] = useState(() => (app ? embedUrl(app, { lang: i18n.language, dark, editable }) : ""));
  useEmbedProtocol(app, frame, file, text.data, editable);

  if (!app || text.error) {
    return (
      <PreviewFailed>{text.error ? errorMessage(text.error) : t("preview.app.off")}</PreviewFailed>
    );
  }
  if (text.data === undefined) {
    return (
      <Center flex={1}>
        <Loader aria-label={t("preview.loading")} />
      </Center>
    );
  }
  return (
    <iframe
      ref={frame}
      className={classes.appFrame}
      src={src}
      title={t("preview.app.title", { app: t(`preview.app.names.${app.id}`), name: file.name })}
      data-testid="preview-app"
      // The app is another origin: `allow-same-origin` gives it its own storage, not the drive's.
      sandbox="allow-scripts allow-same-origin allow-forms allow-popups allow-downloads allow-modals"
      allow="clipboard-read; clipboard-write"
      referrerPolicy="no-referrer"
    />
  );
}

type Message = { event?: string; xml?: string; exit?: boolean };

/** The file's side of the embed protocol, for as long as the viewer is open. */
function useEmbedProtocol(
  app: FileApp | undefined,
  frame: RefObject<HTMLIFrameElement | null>,
  file: FileInfo,
  text: string | undefined,
  editable: boolean,
) {
  const { t } = useTranslation();
  const base = useRef(file.primary_entity);
  useEffect(() => {
    if (!app || text === undefined) return;
    const send = (message: object) =>
      frame.current?.contentWindow?.postMessage(JSON.stringify(message), app.origin);
    const save = async (xml: string, exit: boolean) => {
      try {
        const saved = await saveText(file, xml, base.current);
        base.current = saved.primary_entity;
        send({ action: "status", message: "", modified: false });
        notifications.show({ color: "teal", message: t("preview.saved", { name: file.name }) });
        if (exit) closePreview();
      } catch (e) {
        send({ action: "status", message: errorMessage(e), modified: true });
        notifyError(e);
      }
    };
    const onMessage = (event: MessageEvent) => {
      if (event.origin !== app.origin || event.source !== frame.current?.contentWindow) return;
      const message = parse(event.data);
      if (message?.event === "init") {
        send({
          action: "load",
          xml: text,
          title: file.name,
          autosave: 0,
          modified: "unsavedChanges",
        });
      } else if (message?.event === "save" && typeof message.xml === "string") {
        if (editable) void save(message.xml, !!message.exit);
      } else if (message?.event === "exit") {
        closePreview();
      }
    };
    window.addEventListener("message", onMessage);
    return () => window.removeEventListener("message", onMessage);
  }, [app, frame, file, text, editable, t]);
}

function parse(data: unknown): Message | null {
  if (typeof data !== "string") return null;
  try {
    const message = JSON.parse(data);
    return message && typeof message === "object" ? (message as Message) : null;
  } catch {
    return null;
  }
}
