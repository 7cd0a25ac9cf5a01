import type { TFunction } from "i18next";
import { expect, it } from "vitest";
import type { UserCredential } from "../../../api/devices/credentials";
import { reachLine, usageLine } from "./credentialDetails";

// The key and its values, so the test reads which string was chosen with what.
const t = ((key: string, values?: Record<string, string>) =>
  values ? `${key}(${Object.values(values).join(",")})` : key) as unknown as TFunction;

const base: UserCredential = {
  kind: "app_password",
  id: "x",
  name: "Nextcloud Android",
  read_only: false,
  stopped: false,
  current: false,
};

it("says where and with what a credential was last used", () => {
  const used = { ...base, last_used_at: "2026-11-28T10:00:00Z", last_ip: "10.0.0.5" };
  const line = usageLine({ ...used, client: "Nextcloud-android/3.30" }, t, "en-US");
  expect(line).toMatch(
    /^settings\.credentials\.lastUsed\(.+\) · 10\.0\.0\.5 · Nextcloud-android\/3\.30$/,
  );
  expect(usageLine(base, t, "en-US")).toBe("settings.credentials.neverUsed");
  // The session asking is in use now; its agent is its name already.
  const session = { ...used, kind: "session", current: true, client: "Mozilla/5.0" };
  expect(usageLine(session, t, "en-US")).toBe("settings.credentials.inUse · 10.0.0.5");
});

it("says how far a credential reaches", () => {
  expect(reachLine(base, t)).toBe("settings.credentials.wholeDrive");
  const confined = { ...base, root: "cloudreve://my/Docs", read_only: true };
  expect(reachLine(confined, t)).toBe(
    "settings.credentials.folder(/Docs) · settings.credentials.readOnly",
  );
  expect(reachLine({ ...base, root: "cloudreve://my" }, t)).toBe("settings.credentials.folder(/)");
  expect(reachLine({ ...base, root: "" }, t)).toBe("settings.credentials.folderGone");
});
