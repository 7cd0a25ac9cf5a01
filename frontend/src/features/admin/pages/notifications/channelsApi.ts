// Notification channels through the admin API: e-mail (through the site's SMTP settings) or a
// webhook (a signed JSON POST). A webhook's secret is write-only: never answered, and an edit
// without one keeps the stored secret.
import { api, type Schemas, unwrap } from "../../../../api/client";
import type { AdminListRequest, AdminPage } from "../../AdminList";

export type Channel = Schemas["AdminNotificationChannel"];
export type ChannelInput = Schemas["AdminNotificationChannelInput"];

export const CHANNELS_LIST = "notification-channels";

/** The events a channel can take, in the order shown; all but `backup_completed` by default. */
export const EVENTS = [
  "backup_failed",
  "backup_completed",
  "target_test_failed",
  "node_down",
  "node_up",
  "guard_tripped",
] as const;
export const DEFAULT_EVENTS = EVENTS.filter((e) => e !== "backup_completed");

export async function listChannels(body: AdminListRequest): Promise<AdminPage<Channel>> {
  const page = await unwrap(api.POST("/admin/notification", { body }));
  return { rows: page.channels, total: page.pagination.total_items ?? page.channels.length };
}

export const createChannel = (channel: ChannelInput) =>
  unwrap(api.PUT("/admin/notification", { body: { channel } }));
export const updateChannel = (id: number, channel: ChannelInput) =>
  unwrap(api.PUT("/admin/notification/{id}", { params: { path: { id } }, body: { channel } }));
export const deleteChannel = (id: number) =>
  unwrap(api.DELETE("/admin/notification/{id}", { params: { path: { id } } }));
/** Sends a test event through the channel as the form has it (on top of a saved one's secret). */
export const testPendingChannel = (channel: ChannelInput) =>
  unwrap(api.POST("/admin/notification/test", { body: { channel } }));
export const testSavedChannel = (id: number) =>
  unwrap(api.POST("/admin/notification/{id}/test", { params: { path: { id } } }));

/** Addresses typed one per line or separated by commas. */
export function parseAddresses(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((a) => a.trim())
    .filter(Boolean);
}
