// Administrator-written HTML from the site config (`basic.custom_html`): shown where Cloudreve
// shows it. It is sanitized first (no scripts, no event handlers), and the page's content
// security policy forbids inline scripts anyway, so markup and styling are what an
// administrator can add. The sanitizer (DOMPurify) is a chunk of its own, loaded only when
// there is HTML to show: most sites have none, and the explorer's first load does without it.
import { lazy, Suspense } from "react";

const SanitizedHtml = lazy(() => import("./SanitizedHtml"));

export function CustomHtml({ html, testId }: { html?: string | null; testId: string }) {
  if (!html) return null;
  return (
    <Suspense fallback={null}>
      <SanitizedHtml html={html} testId={testId} />
    </Suspense>
  );
}
