// A form's submit: busy while its action runs, and the action's failure kept as the error to
// show, in the user's words.
import { type FormEvent, useState } from "react";
import { errorMessage } from "./errors";

/** `onError` runs after a failure too (e.g. to ask for a new captcha). */
export function useSubmit(action: () => Promise<void>, onError?: (error: unknown) => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(errorMessage(e));
      onError?.(e);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, submit };
}
