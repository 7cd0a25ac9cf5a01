// The address typed on one signed-out page, offered by the next one (sign-in → forgotten
// password or sign-up). A link followed while typing keeps what was typed: the old page stays
// on screen until the next one is drawn, and keys pressed meanwhile land in its field.
import { useCallback, useState } from "react";

let typed = "";

export function useTypedEmail(): [string, (email: string) => void] {
  const [email, setEmail] = useState(typed);
  const change = useCallback((next: string) => {
    typed = next;
    setEmail(next);
  }, []);
  return [email, change];
}
