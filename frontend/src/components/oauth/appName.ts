// An app's name as the user reads it: the system apps are stored under i18n keys of the
// official web client (spec 4.18 §2.1), which are translated here; any other name is shown as is.
import i18n from "../../i18n";

const SYSTEM_NAMES: Record<string, string> = {
  "application:oauth.desktop": "oauth.systemApps.desktop",
  "application:setting.iOSApp": "oauth.systemApps.ios",
};

export function appName(name: string): string {
  const key = SYSTEM_NAMES[name];
  return key ? i18n.t(key as "oauth.systemApps.desktop") : name;
}
