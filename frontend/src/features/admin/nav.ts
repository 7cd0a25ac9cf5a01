// The console's pages, in navigation order: one entry per page. A page is added by adding its
// entry here (its address under /admin/, its title key under `admin.nav`, an icon, and the
// module to load); an entry without `load` shows only its title until its page exists.
import {
  IconArchive,
  IconBell,
  IconCalendarTime,
  IconChartBar,
  IconCloudUpload,
  IconDatabase,
  IconFiles,
  IconHistory,
  IconListCheck,
  IconPlugConnected,
  IconSearch,
  IconServer,
  IconSettings,
  IconShare,
  IconShieldExclamation,
  IconTopologyStar3,
  IconUsers,
  IconUsersGroup,
} from "@tabler/icons-react";
import type { ComponentType } from "react";

export type AdminPageKey =
  | "dashboard"
  | "settings"
  | "users"
  | "groups"
  | "policies"
  | "nodes"
  | "files"
  | "entities"
  | "shares"
  | "tasks"
  | "events"
  | "incidents"
  | "backupTargets"
  | "backupTasks"
  | "backupRecords"
  | "notifications"
  | "oauthApps"
  | "search";

export type AdminNavEntry = {
  /** Address under /admin/ and the key of its title, `admin.nav.<key>`. */
  key: AdminPageKey;
  icon: ComponentType<{ size?: number; stroke?: number }>;
  /** The page module (its default export), loaded when first opened. */
  load?: () => Promise<{ default: ComponentType }>;
};

export const ADMIN_NAV: AdminNavEntry[] = [
  { key: "dashboard", icon: IconChartBar, load: () => import("./pages/dashboard/DashboardPage") },
  { key: "settings", icon: IconSettings, load: () => import("./pages/settings/SettingsPage") },
  { key: "users", icon: IconUsers, load: () => import("./pages/users/UsersPage") },
  { key: "groups", icon: IconUsersGroup, load: () => import("./pages/groups/GroupsPage") },
  { key: "policies", icon: IconServer, load: () => import("./pages/policies/PoliciesPage") },
  { key: "nodes", icon: IconTopologyStar3, load: () => import("./pages/nodes/NodesPage") },
  { key: "files", icon: IconFiles, load: () => import("./pages/files/FilesPage") },
  { key: "entities", icon: IconDatabase, load: () => import("./pages/entities/EntitiesPage") },
  { key: "shares", icon: IconShare, load: () => import("./pages/shares/SharesPage") },
  { key: "tasks", icon: IconListCheck, load: () => import("./pages/tasks/TasksPage") },
  { key: "events", icon: IconHistory, load: () => import("./pages/events/EventsPage") },
  {
    key: "incidents",
    icon: IconShieldExclamation,
    load: () => import("./pages/incidents/IncidentsPage"),
  },
  {
    key: "backupTargets",
    icon: IconCloudUpload,
    load: () => import("./pages/backups/TargetsPage"),
  },
  {
    key: "backupTasks",
    icon: IconCalendarTime,
    load: () => import("./pages/backups/BackupTasksPage"),
  },
  { key: "backupRecords", icon: IconArchive, load: () => import("./pages/backups/RecordsPage") },
  {
    key: "notifications",
    icon: IconBell,
    load: () => import("./pages/notifications/NotificationsPage"),
  },
  { key: "oauthApps", icon: IconPlugConnected, load: () => import("./pages/oauth/OAuthAppsPage") },
  { key: "search", icon: IconSearch, load: () => import("./pages/search/SearchIndexPage") },
];

/** The page /admin opens on. */
export const ADMIN_HOME: AdminPageKey = "dashboard";

/** The entry for the first segment of the address after /admin/, if any. */
export function findAdminPage(splat: string | undefined): AdminNavEntry | undefined {
  const first = (splat ?? "").split("/")[0] || ADMIN_HOME;
  return ADMIN_NAV.find((entry) => entry.key === first);
}
