// The app's header: the menu button on phones, the site name, dark mode, and the account menu
// (or, signed out, the sign-in button).
import {
  AppShell,
  Burger,
  Group,
  Menu,
  Text,
  Title,
  useComputedColorScheme,
  useMantineColorScheme,
} from "@mantine/core";
import { IconLogout, IconMoon, IconSun, IconUserCircle } from "@tabler/icons-react";
import { useLocation } from "@tanstack/react-router";
import { useTranslation } from "react-i18next";
import type { User } from "../api/client";
import { signOut, useSession } from "../api/session";
import { IconButton } from "../components/IconButton";
import { LanguagePicker } from "../components/LanguagePicker";
import { ButtonLink } from "../components/links";

export function AppHeader({
  title,
  navOpen,
  toggleNav,
}: {
  title: string;
  navOpen: boolean;
  toggleNav: () => void;
}) {
  const { t } = useTranslation();
  const session = useSession();
  const location = useLocation();
  return (
    <AppShell.Header>
      <Group h="100%" px="md" justify="space-between" wrap="nowrap">
        <Group gap="sm" wrap="nowrap">
          {session && (
            <Burger
              opened={navOpen}
              onClick={toggleNav}
              hiddenFrom="sm"
              size="sm"
              aria-label={t("shell.toggleNav")}
            />
          )}
          <Title order={1} size="h4" lineClamp={1}>
            {title}
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
