// "Sign in with a passkey": a discoverable-credential assertion (no e-mail typed), checked by
// the server, which answers the same session as a password sign-in.
import { Button } from "@mantine/core";
import { IconKey } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { type LoginResponse, passkeySignIn, passkeySignInOptions } from "../../api/account/account";
import { errorMessage } from "../../lib/errors";
import { getPasskey, passkeysSupported, serializeCredential } from "../../lib/webauthn";

type Props = {
  onSignedIn: (answer: LoginResponse) => void;
  onError: (message: string | null) => void;
};

export function PasskeySignIn({ onSignedIn, onError }: Props) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  if (!passkeysSupported()) return null;

  const start = async () => {
    setBusy(true);
    onError(null);
    try {
      const { options, session_id } = await passkeySignInOptions();
      const credential = await getPasskey(options);
      const response = serializeCredential(credential);
      onSignedIn(await passkeySignIn({ session_id, response }));
    } catch (e) {
      // The person closing the browser's passkey prompt is no error worth showing.
      if (e instanceof DOMException && e.name === "NotAllowedError") {
        onError(t("account.passkeyCanceled"));
      } else onError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Button
      variant="default"
      fullWidth
      leftSection={<IconKey size={16} />}
      loading={busy}
      onClick={start}
    >
      {t("account.passkeySignIn")}
    </Button>
  );
}
