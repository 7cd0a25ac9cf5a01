// Administrator-written HTML from the site config (`basic.custom_html`): shown where Cloudreve
// shows it. It is sanitized first (no scripts, no event handlers), and the page's content
// security policy forbids inline scripts anyway, so markup and styling are what an
// administrator can add.
import DOMPurify from "dompurify";

export function CustomHtml({ html, testId }: { html?: string | null; testId: string }) {
  if (!html) return null;
  return (
    <div
      data-testid={testId}
      style={{ overflowWrap: "anywhere" }}
      // biome-ignore lint/security/noDangerouslySetInnerHtml: sanitized administrator HTML
      dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(html) }}
    />
  );
}
