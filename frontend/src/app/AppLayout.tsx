// The app's frame: header (menu button on phones, site name, dark mode, account menu), the
// navigation with the storage used, and the page. Signs the user out when the session ends.
import {
  AppShell,
  Burger,
  Group,
  Menu,
  Progress,
  Stack,
  Text,
  Title,
  useComputedColorScheme,
  useMantineColorScheme,
} from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import {
  IconFolder,
  IconLink,
  IconListCheck,
  IconLogout,
  IconMoon,
  IconSettings,
  IconShare,
  IconSun,
  IconTrash,
  IconUserCircle,
} from "@tabler/icons-react";
import { Outlet, useLocation, useNavigate, useSearch } from "@tanstack/react-router";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { useCapacity } from "../api/capacity";
import type { User } from "../api/client";
import { getSession, signOut, updateUser, useSession } from "../api/session";
import { useBasicConfig } from "../api/siteConfig";
import { CustomHtml } from "../components/CustomHtml";
import { ErrorBoundary } from "../components/ErrorBoundary";
import { IconButton } from "../components/IconButton";
import { LanguagePicker } from "../components/LanguagePicker";
import { ButtonLink, NavRouterLink } from "../components/links";
import { isAdmin } from "../features/admin/access";
import { ExplorerSidebar } from "../features/explorer/Sidebar";
import { PreviewHost } from "../features/previews";
import { ShareDialogHost } from "../features/shares/ShareDialogHost";
import { ShareGate } from "../features/shares/ShareGate";
import { SnapshotDialogHost } from "../features/snapshots/SnapshotDialogHost";
import { TaskDialogHost } from "../features/tasks/TaskDialogHost";
import { UploadPanel } from "../features/uploads/UploadPanel";
import { formatBytes, usedPercent } from "../lib/format";
import { MY_ROOT, parseUri, SHARED_WITH_ME_ROOT, TRASH_ROOT } from "../lib/uri";
import { CustomNavLinks } from "./CustomNavLinks";

export default function AppLayout() {
  const { t } = useTranslation();
  const [navOpen, nav] = useDisclosure(false);
  const session = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const search = useSearch({ strict: false }) as { path?: string };
  const fs = parseUri(search.path ?? MY_ROOT)?.fs ?? "my";

  // The site config says who the server takes the caller for: an expired or revoked token
  // makes them anonymous there, which ends the session here too.
  const basic = useBasicConfig();
  useEffect(() => {
    const user = basic.data?.user;
    const current = getSession();
    if (!user || !current) return;
    if (user.anonymous) signOut();
    else if (user.id === current.user.id && JSON.stringify(user) !== JSON.stringify(current.user)) {
      updateUser(user);
    }
  }, [basic.data]);

  useEffect(() => {
    // Once on the sign-in page, stay: a second pass would nest its address into `redirect`.
    if (!session && fs !== "share" && !location.pathname.startsWith("/session")) {
      navigate({ to: "/session", search: { redirect: location.href }, replace: true });
    }
  }, [session, fs, navigate, location.href, location.pathname]);

  const capacity = useCapacity({ enabled: !!session });

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
    <AppShell
      header={{ height: 56 }}
      // A signed-out visitor of a share has nowhere to go: no side bar, no burger.
      navbar={
        session ? { width: 240, breakpoint: "sm", collapsed: { mobile: !navOpen } } : undefined
      }
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            {session && (
              <Burger
                opened={navOpen}
                onClick={nav.toggle}
                hiddenFrom="sm"
                size="sm"
                aria-label={t("shell.toggleNav")}
              />
            )}
            <Title order={1} size="h4" lineClamp={1}>
              {basic.data?.title || "Stratus"}
            </Title>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <ColorSchemeToggle />
            {session ? (
              <AccountMenu user={session.user} />
            ) : (
              <ButtonLink to="/session" search={{ redirect: location.href }}>
                {t("signIn.submit")}
              </ButtonLink>
            )}
          </Group>
        </Group>
      </AppShell.Header>

      {session && (
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
                onClick={nav.close}
              />
            ))}
            <NavRouterLink
              to="/shares"
              label={t("share.mySharesNav")}
              leftSection={<IconLink size={18} stroke={1.6} />}
              active={location.pathname === "/shares"}
              onClick={nav.close}
            />
            <NavRouterLink
              to="/tasks"
              search={{ category: "general" }}
              label={t("tasks.nav")}
              leftSection={<IconListCheck size={18} stroke={1.6} />}
              active={location.pathname === "/tasks"}
              onClick={nav.close}
            />
            <NavRouterLink
              to="/settings"
              label={t("settings.nav")}
              leftSection={<IconUserCircle size={18} stroke={1.6} />}
              active={location.pathname === "/settings"}
              onClick={nav.close}
            />
            <CustomNavLinks items={basic.data?.custom_nav_items} />
            <ExplorerSidebar onNavigate={nav.close} />
            {isAdmin(session.user) && (
              <NavRouterLink
                to="/admin/$"
                params={{ _splat: "" }}
                label={t("nav.admin")}
                leftSection={<IconSettings size={18} stroke={1.6} />}
              />
            )}
          </AppShell.Section>
          {basic.data?.custom_html?.sidebar_bottom && (
            <AppShell.Section p="xs">
              <CustomHtml
                html={basic.data.custom_html.sidebar_bottom}
                testId="sidebar-bottom-html"
              />
            </AppShell.Section>
          )}
          {capacity.data && (
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
          )}
        </AppShell.Navbar>
      )}

      <AppShell.Main>
        <ErrorBoundary>
          <ShareGate>
            <Outlet />
          </ShareGate>
        </ErrorBoundary>
      </AppShell.Main>
      <UploadPanel />
      <PreviewHost />
      <ShareDialogHost />
      <TaskDialogHost />
      <SnapshotDialogHost />
    </AppShell>
  );
}

function ColorSchemeToggle() {
  const { t } = useTranslation();
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme("light");
  const dark = scheme === "dark";
  return (
    <IconButton
      variant="default"
      size="lg"
      label={dark ? t("shell.lightMode") : t("shell.darkMode")}
      onClick={() => setColorScheme(dark ? "light" : "dark")}
    >
      {dark ? <IconSun size={18} /> : <IconMoon size={18} />}
    </IconButton>
  );
}

function AccountMenu({ user }: { user: User }) {
  const { t } = useTranslation();
  return (
    <Menu position="bottom-end" width={220}>
      <Menu.Target>
        <IconButton variant="default" size="lg" label={t("shell.account")}>
          <IconUserCircle size={20} />
        </IconButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          <Text size="sm" fw={500} truncate>
            {user.nickname}
          </Text>
          <Text size="xs" c="dimmed" truncate>
            {user.email}
          </Text>
        </Menu.Label>
        <Group px="xs" py={4}>
          <LanguagePicker />
        </Group>
        <Menu.Divider />
        <Menu.Item leftSection={<IconLogout size={16} />} onClick={() => signOut()}>
          {t("shell.signOut")}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
