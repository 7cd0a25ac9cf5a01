// The admin console's en-US strings arrive with the console, not with the first load (see
// `adminStringsApart` in vite.config.ts); its route waits for them. Other languages are loaded
// whole when chosen, so this is only en-US, which is also every language's fallback.
import i18n from "../i18n";

let loading: Promise<void> | undefined;

export function loadAdminStrings(): Promise<void> {
  loading ??= import("../i18n/en-US.json?admin").then(({ default: strings }) => {
    i18n.addResourceBundle("en-US", "translation", strings, true, false);
  });
  return loading;
}
