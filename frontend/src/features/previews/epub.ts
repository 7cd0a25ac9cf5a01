//! An ePub opened by epub.js: the book, its table of contents, the page shown and the reading
//! position, kept per file in localStorage.
//!
//! An ePub is a zip of HTML written by anyone. epub.js draws each chapter in an iframe whose
//! `sandbox` is `allow-same-origin` only (`allowScriptedContent: false`, its default, kept here
//! on purpose): without `allow-scripts` the browser runs none of the chapter's scripts, inline
//! event handlers or `javascript:` links, and without `allow-forms`/`allow-popups`/
//! `allow-top-navigation` it can neither post, open windows nor move the drive's page. The
//! chapter's pictures, stylesheets and fonts are `blob:` URLs made by epub.js from the zip.
import ePub, { type Book, type Location, type NavItem, type Rendition } from "epubjs";
import { type RefObject, useEffect, useRef, useState } from "react";

const POSITION_PREFIX = "stratus.epub.position.";

/** Where the reader of file `id` left off (an ePub CFI), if anywhere. */
export function savedPosition(id: string): string | undefined {
  try {
    return localStorage.getItem(POSITION_PREFIX + id) ?? undefined;
  } catch {
    return undefined;
  }
}

function keepPosition(id: string, cfi: string) {
  try {
    localStorage.setItem(POSITION_PREFIX + id, cfi);
  } catch {
    // Storage full or refused: the book opens at its start next time.
  }
}

export type Place = {
  /** The page within the chapter shown, and the chapter's pages, from 1. */
  page: number;
  pages: number;
  href: string;
  atStart: boolean;
  atEnd: boolean;
};

// The app's body colours (Mantine's white and dark-7): a transparent frame would not do, as the
// browser paints a light frame opaque white under a dark page.
const LIGHT = { body: { color: "#1a1b1e !important", background: "#ffffff !important" } };
const DARK = {
  body: { color: "#dee2e6 !important", background: "#242424 !important" },
  a: { color: "#74c0fc !important" },
};

/**
 * Opens `data` (the ePub's bytes) into `host`, at the position kept for file `id`; `dark`
 * chooses the theme.
 */
export function useEpub(
  data: ArrayBuffer | undefined,
  host: RefObject<HTMLDivElement | null>,
  id: string,
  dark: boolean,
) {
  const [rendition, setRendition] = useState<Rendition | null>(null);
  const [toc, setToc] = useState<NavItem[]>([]);
  const [place, setPlace] = useState<Place | null>(null);
  const [failed, setFailed] = useState<unknown>(null);
  const darkRef = useRef(dark);
  darkRef.current = dark;

  useEffect(() => {
    const target = host.current;
    if (!data || !target) return;
    let book: Book | null = null;
    try {
      book = ePub(data);
    } catch (e) {
      setFailed(e);
      return;
    }
    const view = book.renderTo(target, {
      width: "100%",
      height: "100%",
      flow: "paginated",
      spread: "none",
      allowScriptedContent: false,
    } as Parameters<Book["renderTo"]>[1]);
    view.themes.register("light", LIGHT);
    view.themes.register("dark", DARK);
    view.themes.select(darkRef.current ? "dark" : "light");
    view.on("relocated", (location: Location) => {
      keepPosition(id, location.start.cfi);
      setPlace({
        page: location.start.displayed.page,
        pages: location.start.displayed.total,
        href: location.start.href,
        atStart: !!location.atStart,
        atEnd: !!location.atEnd,
      });
    });
    book.loaded.navigation.then((nav) => setToc(nav.toc), setFailed);
    view.display(savedPosition(id)).catch(() => view.display().catch(setFailed));
    setRendition(view);
    return () => {
      setRendition(null);
      book?.destroy();
    };
  }, [data, host, id]);

  useEffect(() => {
    rendition?.themes.select(dark ? "dark" : "light");
  }, [rendition, dark]);

  useKeys(rendition);
  return { rendition, toc, place, failed };
}

/** The arrow and page keys turn pages, pressed over the chapter or anywhere in the viewer. */
function useKeys(rendition: Rendition | null) {
  useEffect(() => {
    if (!rendition) return;
    const turn = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest?.("input, textarea, select, [role=menu]")) return;
      if (event.key === "ArrowRight" || event.key === "PageDown") void rendition.next();
      else if (event.key === "ArrowLeft" || event.key === "PageUp") void rendition.prev();
    };
    window.addEventListener("keydown", turn);
    // Keys pressed inside the chapter's frame reach its own document only.
    rendition.on("keydown", turn);
    return () => {
      window.removeEventListener("keydown", turn);
      rendition.off("keydown", turn);
    };
  }, [rendition]);
}
