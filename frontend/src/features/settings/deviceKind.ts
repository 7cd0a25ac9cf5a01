// Which icon fits a sync client, from the name the server gives it ("Nextcloud desktop
// (Windows)", "Nextcloud Android", or the client's own User-Agent): a computer, a phone or
// tablet, or a device of either kind.

export type DeviceKind = "desktop" | "mobile" | "unknown";

const MOBILE = /android|iphone|ipad|\bios\b|mobile/i;
const DESKTOP = /desktop|windows|macos|mac os|macintosh|linux|mirall/i;

export function deviceKind(name: string): DeviceKind {
  if (MOBILE.test(name)) return "mobile";
  if (DESKTOP.test(name)) return "desktop";
  return "unknown";
}
