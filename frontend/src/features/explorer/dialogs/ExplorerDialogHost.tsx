// Where the explorer's dialogs live: which one is open, the lock conflict of a change (40073:
// force unlock and retry), and the host that draws them (the info panel too on a narrow
// screen, where it is a drawer rather than a column beside the list).
import { lazy, Suspense, useCallback, useState } from "react";
import type { FileInfo } from "../../../api/client";
import { notifyError } from "../../../lib/errors";
import type { ExplorerDialog } from "../actions";
import { ExplorerDialogs } from "./ExplorerDialogs";
import { type LockConflict, LockDialog, lockConflict } from "./LockDialog";

// Opened now and then: loaded when first opened, to keep the explorer's first load small.
export const InfoPanel = lazy(() => import("../info/InfoPanel"));

export function useExplorerDialogs() {
  const [dialog, setDialog] = useState<ExplorerDialog | null>(null);
  const [lock, setLock] = useState<LockConflict | null>(null);
  /** Runs a change; a lock conflict opens the lock dialog, other failures are thrown. */
  const guard = useCallback(async (change: () => Promise<void>) => {
    try {
      await change();
    } catch (e) {
      const locks = lockConflict(e);
      if (!locks) throw e;
      setLock({ locks, retry: change });
    }
  }, []);
  /** The same, with other failures shown as a notification. */
  const run = useCallback(
    (change: () => Promise<void>) => guard(change).catch(notifyError),
    [guard],
  );
  const close = useCallback(() => setDialog(null), []);
  const closeLock = useCallback(() => setLock(null), []);
  return { dialog, show: setDialog, close, lock, closeLock, guard, run };
}

export type ExplorerDialogState = ReturnType<typeof useExplorerDialogs>;

type Props = {
  dialogs: ExplorerDialogState;
  folder: string;
  moveFrom: string;
  owned: boolean;
  clearSelection: () => void;
  /** The file the info panel shows when it is a drawer; undefined when it is closed. */
  drawerInfo?: FileInfo;
};

export function ExplorerDialogHost({
  dialogs,
  folder,
  moveFrom,
  owned,
  clearSelection,
  drawerInfo,
}: Props) {
  const { dialog, lock, guard, run, close, closeLock } = dialogs;
  return (
    <>
      <ExplorerDialogs
        dialog={dialog}
        folder={folder}
        moveFrom={moveFrom}
        guard={guard}
        run={run}
        clearSelection={clearSelection}
        onClose={close}
      />
      <Suspense>
        {drawerInfo && (
          <InfoPanel
            side={false}
            file={drawerInfo}
            folder={folder}
            owned={owned}
            run={run}
            onClose={close}
          />
        )}
      </Suspense>
      {lock && <LockDialog conflict={lock} onClose={closeLock} />}
    </>
  );
}
