//! Markdown to HTML: rendered by marked, then sanitized by DOMPurify before it reaches the page
//! (no scripts, event handlers or `javascript:` links from a file). Used by the viewer and by
//! a shared folder's README; styled by components/Markdown.module.css.
import DOMPurify from "dompurify";
import { marked } from "marked";

// Links a file contains open in a new tab, away from the app.
DOMPurify.addHook("afterSanitizeAttributes", (node) => {
  if (node.tagName === "A" && node.getAttribute("href")) {
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer");
  }
});

export function renderMarkdown(text: string): string {
  const html = marked.parse(text, { async: false, gfm: true });
  return DOMPurify.sanitize(html, { FORBID_TAGS: ["style", "form"] });
}
