// The admin header's language and dark-mode controls. Beside the title they need about 190 px,
// which a 390 px phone does not have, so below the navbar's breakpoint they sit in a menu.
import {
  ActionIcon,
  Group,
  Menu,
  useComputedColorScheme,
  useMantineColorScheme,
} from "@mantine/core";
import { IconDotsVertical, IconMoon, IconSun } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { LanguagePicker } from "../../components/LanguagePicker";

/** The phone's overflow menu: the language picker and the dark-mode switch. */
export function AdminHeaderMenu() {
  const { t } = useTranslation();
  return (
    <Menu position="bottom-end" width={180} closeOnItemClick={false}>
      <Menu.Target>
        <ActionIcon variant="default" size="lg" hiddenFrom="sm" aria-label={t("admin.headerMenu")}>
          <IconDotsVertical size={18} />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        <Group px="xs" py={4} gap="xs" wrap="nowrap">
          <LanguagePicker />
          <SchemeToggle />
        </Group>
      </Menu.Dropdown>
    </Menu>
  );
}

export function SchemeToggle() {
  const { t } = useTranslation();
  const { setColorScheme } = useMantineColorScheme();
  const dark = useComputedColorScheme("light") === "dark";
  return (
    <ActionIcon
      variant="default"
      size="lg"
      aria-label={dark ? t("shell.lightMode") : t("shell.darkMode")}
      onClick={() => setColorScheme(dark ? "light" : "dark")}
    >
      {dark ? <IconSun size={18} /> : <IconMoon size={18} />}
    </ActionIcon>
  );
}
