// The alias of vite.config.ts for the notifications' container alone.
declare module "@mantine/notifications/container" {
  export { Notifications } from "@mantine/notifications";
}
