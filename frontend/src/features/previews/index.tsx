//! Previews, as the explorer sees them: `openPreview(file, siblings)` and the `PreviewHost` that
//! shows it. The viewers themselves (and pdf.js, CodeMirror, marked) are lazy chunks, loaded on
//! the first preview, so that the explorer's first load stays small.
import { lazy, Suspense } from "react";
import { closePreview, usePreview } from "./store";

export { closePreview, openPreview, type PreviewState, showInPreview } from "./store";

const PreviewModal = lazy(() => import("./PreviewModal"));

/** Mounted once in the app shell. */
export function PreviewHost() {
  const preview = usePreview();
  if (!preview) return null;
  return (
    <Suspense fallback={null}>
      <PreviewModal preview={preview} onClose={closePreview} />
    </Suspense>
  );
}
