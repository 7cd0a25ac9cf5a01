// Errors in the user's words: a known code gets a translated sentence, followed by what the
// server said.
import { notifications } from "@mantine/notifications";
import { ApiError } from "../api/client";
import i18n from "../i18n";

/** Codes with a sentence of their own in the `errors` namespace of the translations. */
const KNOWN = new Set([
  0, 401, 403, 404, 40004, 40020, 40026, 40049, 40051, 40052, 40069, 40073, 40080, 40017, 40018,
  40022,
]);

export function errorMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  const known = KNOWN.has(error.code)
    ? i18n.t(`errors.${error.code}` as "errors.0")
    : i18n.t("errors.other", { code: error.code });
  return error.message && error.code !== 0 ? `${known} (${error.message})` : known;
}

export function notifyError(error: unknown) {
  notifications.show({ color: "red", title: i18n.t("error.title"), message: errorMessage(error) });
}
