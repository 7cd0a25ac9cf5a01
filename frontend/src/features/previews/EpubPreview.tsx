//! ePub: placeholder until the reader lands.
import type { FileInfo } from "../../api/client";

export default function EpubPreview({ file }: { file: FileInfo }) {
  return <div data-testid="preview-epub">{file.name}</div>;
}
