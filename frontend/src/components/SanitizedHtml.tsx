// The markup of CustomHtml, sanitized by DOMPurify (see CustomHtml.tsx for why it is apart).
import DOMPurify from "dompurify";

export default function SanitizedHtml({ html, testId }: { html: string; testId: string }) {
  return (
    <div
      data-testid={testId}
      style={{ overflowWrap: "anywhere" }}
      // biome-ignore lint/security/noDangerouslySetInnerHtml: sanitized administrator HTML
      dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(html) }}
    />
  );
}
