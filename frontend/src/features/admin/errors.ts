// The admin API's refusals in words: codes the console knows get a sentence of their own under
// `admin.errors` (alone: the server's words say the same); the rest go through the app's
// messages.
import { ApiError } from "../../api/client";
import i18n from "../../i18n";
import { errorMessage } from "../../lib/errors";

const ADMIN_CODES = new Set([40040, 40041, 40042, 40043, 40046, 40081, 40086]);

export function adminErrorMessage(error: unknown): string {
  if (error instanceof ApiError && ADMIN_CODES.has(error.code)) {
    // Refusals that name what stands in the way carry the names as data.
    const names = typeof error.data === "string" ? error.data : "";
    return i18n.t(`admin.errors.${error.code}` as "admin.errors.40040", { names });
  }
  return errorMessage(error);
}

/** What the server said, as it said it (a test's or a run's outcome), else the app's words. */
export function serverWords(error: unknown): string {
  return error instanceof ApiError && error.message ? error.message : errorMessage(error);
}
