// The app's navigation: the drive's places, the user's pages, the site's own links, the folder
// tree, the admin console for admins, and the storage used.
import { AppShell, Progress, Stack, Text } from "@mantine/core";
import {
  IconFolder,
  IconLink,
  IconListCheck,
  IconSettings,
  IconShare,
  IconTrash,
  IconUserCircle,
} from "@tabler/icons-react";
import { useLocation } from "@tanstack/react-router";
import { useTranslation } from "react-i18next";
import { useCapacity } from "../api/account/capacity";
import type { SiteConfig } from "../api/client";
import type { Session } from "../api/session";
import { CustomHtml } from "../components/CustomHtml";
import { NavRouterLink } from "../components/links";
import { isAdmin } from "../features/admin/access";
import { ExplorerSidebar } from "../features/explorer/Sidebar";
import { formatBytes, usedPercent } from "../lib/format";
import { MY_ROOT, SHARED_WITH_ME_ROOT, TRASH_ROOT } from "../lib/uri";
import { CustomNavLinks } from "./CustomNavLinks";

export function AppNavbar({
  session,
  basic,
  fs,
  close,
}: {
  session: Session;
  basic: SiteConfig | undefined;
  /** The file system of the folder shown, whose place is marked. */
  fs: string;
  /** Closes the navigation on phones once a place is picked. */
  close: () => void;
}) {
  const { t } = useTranslation();
  const location = useLocation();
  const navItems = [
    { root: MY_ROOT, fs: "my", label: t("nav.myFiles"), icon: IconFolder },
    {
      root: SHARED_WITH_ME_ROOT,
      fs: "shared_with_me",
      label: t("nav.sharedWithMe"),
      icon: IconShare,
    },
    { root: TRASH_ROOT, fs: "trash", label: t("nav.trash"), icon: IconTrash },
  ];
  return (
    <AppShell.Navbar p="sm" aria-label={t("shell.navigation")}>
      <AppShell.Section grow>
        {navItems.map((item) => (
          <NavRouterLink
            key={item.fs}
            to="/home"
            search={{ path: item.root }}
            label={item.label}
            leftSection={<item.icon size={18} stroke={1.6} />}
            active={location.pathname === "/home" && fs === item.fs}
            onClick={close}
          />
        ))}
        <UserPages close={close} />
        <CustomNavLinks items={basic?.custom_nav_items} />
        <ExplorerSidebar onNavigate={close} />
        {isAdmin(session.user) && (
          <NavRouterLink
            to="/admin/$"
            params={{ _splat: "" }}
            label={t("nav.admin")}
            leftSection={<IconSettings size={18} stroke={1.6} />}
          />
        )}
      </AppShell.Section>
      {basic?.custom_html?.sidebar_bottom && (
        <AppShell.Section p="xs">
          <CustomHtml html={basic.custom_html.sidebar_bottom} testId="sidebar-bottom-html" />
        </AppShell.Section>
      )}
      <StorageMeter />
    </AppShell.Navbar>
  );
}

function StorageMeter() {
  const { t } = useTranslation();
  const capacity = useCapacity();
  if (!capacity.data) return null;
  return (
    <AppShell.Section>
      <Stack gap={4} p="xs">
        <Text size="xs" c="dimmed">
          {t("shell.storage", {
            used: formatBytes(capacity.data.used),
            total: formatBytes(capacity.data.total),
          })}
        </Text>
        <Progress
          aria-label={t("shell.storageBar")}
          value={usedPercent(capacity.data.used, capacity.data.total)}
          size="sm"
        />
      </Stack>
    </AppShell.Section>
  );
}

/** The user's own pages: shares, tasks, settings. */
function UserPages({ close }: { close: () => void }) {
  const { t } = useTranslation();
  const location = useLocation();
  return (
    <>
      <NavRouterLink
        to="/shares"
        label={t("share.mySharesNav")}
        leftSection={<IconLink size={18} stroke={1.6} />}
        active={location.pathname === "/shares"}
        onClick={close}
      />
      <NavRouterLink
        to="/tasks"
        search={{ category: "general" }}
        label={t("tasks.nav")}
        leftSection={<IconListCheck size={18} stroke={1.6} />}
        active={location.pathname === "/tasks"}
        onClick={close}
      />
      <NavRouterLink
        to="/settings"
        label={t("settings.nav")}
        leftSection={<IconUserCircle size={18} stroke={1.6} />}
        active={location.pathname === "/settings"}
        onClick={close}
      />
    </>
  );
}
