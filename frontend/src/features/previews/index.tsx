//! Previews, as the explorer sees them: `openPreview(file, siblings)` and the `PreviewHost` that
//! shows it. The viewers themselves (and pdf.js, CodeMirror, marked) are lazy chunks, loaded on
//! the first preview, so that the explorer's first load stays small.
import { lazy, Suspense, useEffect } from "react";
import { useExplorerConfig } from "../../api/siteConfig";
import { fileAppsOf } from "./fileApps";
import { setFileApps, setViewerDefaults } from "./kinds";
import { closePreview, usePreview } from "./store";

export { closePreview, openPreview, type PreviewState, showInPreview } from "./store";

const PreviewModal = lazy(() => import("./PreviewModal"));

/** Mounted once in the app shell. */
export function PreviewHost() {
  const preview = usePreview();
  useViewerDefaults();
  if (!preview) return null;
  return (
    <Suspense fallback={null}>
      <PreviewModal preview={preview} onClose={closePreview} />
    </Suspense>
  );
}

/**
 * Keeps the administrator's viewer per extension (`default_viewer_mapping`) and the file apps
 * switched on (`file_viewers`) where kinds.ts reads them.
 */
function useViewerDefaults() {
  const config = useExplorerConfig().data;
  const mapping = config?.default_viewer_mapping;
  const viewers = config?.file_viewers;
  useEffect(() => setViewerDefaults(mapping), [mapping]);
  useEffect(() => setFileApps(fileAppsOf(viewers)), [viewers]);
}
