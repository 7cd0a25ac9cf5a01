// Errors in the user's words, one sentence each. A code with a sentence of its own says it in
// the user's language, and the server's words, which say the same thing, are left out; any
// other code shows what the server said, as a sentence.
import { notifications } from "@mantine/notifications";
import { ApiError } from "../api/client";
import i18n from "../i18n";

/**
 * Codes with a sentence of their own in the `errors` namespace of the translations. 40069 is
 * not one: it stands both for a wrong password and for too many tries, which the server's
 * words tell apart.
 */
const KNOWN = new Set([
  0, 401, 403, 404, 40004, 40020, 40026, 40049, 40051, 40052, 40073, 40080, 40017, 40018, 40022,
]);

export function errorMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  if (KNOWN.has(error.code)) return i18n.t(`errors.${error.code}` as "errors.0");
  if (error.message) return asSentence(error.message);
  return i18n.t("errors.other", { code: error.code });
}

/**
 * `text` as a sentence: a capital first letter (unless it starts with the name of a field,
 * `settings.url: …`, which keeps its case) and a full stop.
 */
export function asSentence(text: string): string {
  const words = text.trim();
  if (!words) return words;
  const field = /^[a-z0-9]+[._][a-z0-9._]*:/i.test(words);
  const capital = field ? words : words.charAt(0).toLocaleUpperCase() + words.slice(1);
  return /[.!?。！？]$/.test(capital) ? capital : `${capital}.`;
}

export function notifyError(error: unknown) {
  notifications.show({ color: "red", title: i18n.t("error.title"), message: errorMessage(error) });
}
