// The site settings through the admin API: read by name, saved as a batch the server checks
// whole (one bad value changes nothing), and the test mail.
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../../../api/client";
import { ALL_KEYS } from "./schema";

export const SETTINGS_QUERY = ["admin", "settings"] as const;

export function useSiteSettings() {
  return useQuery({
    queryKey: SETTINGS_QUERY,
    queryFn: () => unwrap(api.POST("/admin/settings", { body: { keys: ALL_KEYS } })),
  });
}

export function saveSettings(settings: Record<string, string>) {
  return unwrap(api.PATCH("/admin/settings", { body: { settings } }));
}

export function sendTestMail(to: string, settings: Record<string, string>) {
  return unwrap(api.POST("/admin/tool/mail", { body: { to, settings } }));
}

/** What the saved directory settings find for `login` (no password is checked). */
export function testDirectory(login: string) {
  return unwrap(api.POST("/admin/ldap/test", { body: { login } }));
}

/** What the saved provider `id`'s discovery document says, read now. */
export function testProvider(id: string) {
  return unwrap(api.POST("/admin/oidc/test", { body: { id } }));
}

/** The groups new accounts may join (for the default group), by id. */
export function useGroupChoices() {
  return useQuery({
    queryKey: ["admin", "groups", "choices"],
    queryFn: () =>
      unwrap(api.POST("/admin/group", { body: { page: 1, page_size: 200, order_by: "id" } })),
    select: (data) => data.groups.map((g) => ({ value: String(g.id), label: g.name })),
  });
}

/**
 * The version line `executable` prints when run as generator `tool` (the console's names:
 * `vips`, `ffmpeg`, `libreOffice`, `poppler`, `libRaw`, `heif`, `ffprobe`); fails with the
 * reason it could not be run.
 */
export function testExecutable(tool: string, executable: string) {
  return unwrap(
    api.POST("/admin/tool/thumbExecutable", {
      body: { name: tool, executable: executable.trim() },
    }),
  );
}

/**
 * The saved executable of generator `tool` checked as the media tab opens, so that a tool the
 * server cannot run shows without a click (the same check as `testExecutable`).
 */
export function useDetectedExecutable(tool: string, executable: string) {
  return useQuery({
    queryKey: ["admin", "thumbExecutable", tool, executable],
    queryFn: () => testExecutable(tool, executable),
    enabled: executable.trim() !== "",
    retry: false,
    staleTime: 60_000,
  });
}
