// Draws the share dialog when shareDialogStore says one is open; the dialog's code loads only
// then, so that the explorer's first load does not carry it.
import { lazy, Suspense } from "react";
import { useShareTarget } from "./shareDialogStore";

const ShareDialog = lazy(() => import("./ShareDialog"));

export function ShareDialogHost() {
  const target = useShareTarget();
  if (!target) return null;
  const key = target.kind === "create" ? target.uri : target.share.id;
  return (
    <Suspense fallback={null}>
      <ShareDialog key={key} target={target} />
    </Suspense>
  );
}
