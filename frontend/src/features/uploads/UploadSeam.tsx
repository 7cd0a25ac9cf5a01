// Where the shell puts the transfer panel: a chunk of its own (with the upload queue), loaded
// when there is an upload to show (start.ts).
import { lazy, Suspense } from "react";
import { useSession } from "../../api/session";
import { loadQueue, useUploadsWanted } from "./start";

const UploadPanel = lazy(() =>
  loadQueue()
    .then(() => import("./UploadPanel"))
    .then((m) => ({ default: m.UploadPanel })),
);

export function UploadSeam() {
  const wanted = useUploadsWanted(useSession()?.user.id);
  if (!wanted) return null;
  return (
    <Suspense fallback={null}>
      <UploadPanel />
    </Suspense>
  );
}
