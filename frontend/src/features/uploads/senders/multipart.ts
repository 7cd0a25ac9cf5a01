// The pure parts of an S3 multipart upload: reading a part's ETag and writing the
// CompleteMultipartUpload document.

/** The ETag response header of an UploadPart, as the completion wants it (quoted). */
export function partEtag(header: string | null): string | null {
  const value = header?.trim();
  if (!value) return null;
  return value.startsWith('"') || value.startsWith("W/") ? value : `"${value}"`;
}

const escapes: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};

function xmlText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => escapes[c] ?? c);
}

/** The CompleteMultipartUpload body for `etags` (chunk i is part i+1); throws when one is missing. */
export function completeXml(etags: readonly (string | undefined)[], parts: number): string {
  const items: string[] = [];
  for (let i = 0; i < parts; i++) {
    const etag = etags[i];
    if (!etag) throw new Error(`part ${i + 1} has no ETag`);
    items.push(`<Part><PartNumber>${i + 1}</PartNumber><ETag>${xmlText(etag)}</ETag></Part>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<CompleteMultipartUpload>${items.join("")}</CompleteMultipartUpload>`;
}

/** A completion answer can be HTTP 200 and still carry an <Error> (S3 reports late failures so). */
export function completionError(status: number, body: string): string | null {
  const code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
  if (status >= 200 && status < 300 && !/<Error>/.test(body)) return null;
  return code ?? `HTTP ${status}`;
}
