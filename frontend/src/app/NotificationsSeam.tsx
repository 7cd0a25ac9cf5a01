// Notifications are drawn by a chunk of their own, loaded with the first one shown: until then
// it waits in their store (`notifications.show` needs no container), so the explorer's first
// load does without the container and its transitions.
import { useNotifications } from "@mantine/notifications";
import { lazy, Suspense, useRef } from "react";

const Notifications = lazy(() =>
  import("@mantine/notifications/container").then((m) => ({ default: m.Notifications })),
);

export function NotificationsSeam() {
  const { notifications, queue } = useNotifications();
  const wanted = useRef(false);
  wanted.current ||= notifications.length + queue.length > 0;
  if (!wanted.current) return null;
  return (
    <Suspense fallback={null}>
      <Notifications position="top-right" />
    </Suspense>
  );
}
