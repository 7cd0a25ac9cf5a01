// The icon of a sync client: a computer for the desktop apps, a phone for the mobile ones.
import { IconDeviceDesktop, IconDeviceMobile, IconDevices } from "@tabler/icons-react";
import { deviceKind } from "./deviceKind";

const ICONS = { desktop: IconDeviceDesktop, mobile: IconDeviceMobile, unknown: IconDevices };

export function DeviceIcon({ name, size }: { name: string; size: number }) {
  const Icon = ICONS[deviceKind(name)];
  return (
    <Icon
      size={size}
      stroke={1.5}
      aria-hidden
      data-kind={deviceKind(name)}
      style={{ flex: "none" }}
    />
  );
}
