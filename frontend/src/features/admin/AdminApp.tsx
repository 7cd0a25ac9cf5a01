// The admin console's frame, its own chunk: a header (language, dark mode; in a menu on phones),
// the navigation built from nav.ts, and the page the address names under /admin/. Each page
// sits in its own error boundary, so one failing page leaves the console usable.
import "@mantine/core/styles/Pagination.css";
import "@mantine/core/styles/SimpleGrid.css";
import "@mantine/core/styles/Fieldset.css";
import "@mantine/core/styles/Divider.css";
import { AppShell, Burger, Group, Loader, Stack, Title } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { IconArrowLeft } from "@tabler/icons-react";
import { useParams } from "@tanstack/react-router";
import { type ComponentType, type LazyExoticComponent, lazy, Suspense, useEffect } from "react";
import { useTranslation } from "react-i18next";
import { ErrorBoundary } from "../../components/ErrorBoundary";
import { LanguagePicker } from "../../components/LanguagePicker";
import { NavRouterLink } from "../../components/links";
import { NotFound } from "../../components/NotFound";
import { MY_ROOT } from "../../lib/uri";
import { AdminHeaderMenu, SchemeToggle } from "./AdminHeaderMenu";
import { ADMIN_NAV, type AdminNavEntry, findAdminPage } from "./nav";

const pages = new Map<string, LazyExoticComponent<ComponentType>>();

function pageComponent(entry: AdminNavEntry): LazyExoticComponent<ComponentType> | undefined {
  if (!entry.load) return undefined;
  let page = pages.get(entry.key);
  if (!page) {
    page = lazy(entry.load);
    pages.set(entry.key, page);
  }
  return page;
}

export default function AdminApp() {
  const { t } = useTranslation();
  const [navOpen, nav] = useDisclosure(false);
  const { _splat } = useParams({ strict: false }) as { _splat?: string };
  const entry = findAdminPage(_splat);
  const title = entry ? t(`admin.nav.${entry.key}`) : t("notFound.title");

  useEffect(() => {
    const previous = document.title;
    document.title = `${title} · ${t("admin.title")}`;
    return () => {
      document.title = previous;
    };
  }, [title, t]);

  const Page = entry ? pageComponent(entry) : undefined;

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: "sm", collapsed: { mobile: !navOpen } }}
      padding="md"
    >
      <AdminHeader navOpen={navOpen} onBurger={nav.toggle} />

      <AdminNavbar active={entry?.key} onPick={nav.close} />

      <AppShell.Main>
        {!entry ? (
          <NotFound />
        ) : (
          <Stack gap="md">
            <Title order={2}>{title}</Title>
            <ErrorBoundary key={entry.key}>
              {Page ? <PageLoading page={Page} /> : null}
            </ErrorBoundary>
          </Stack>
        )}
      </AppShell.Main>
    </AppShell>
  );
}

function AdminHeader(props: { navOpen: boolean; onBurger: () => void }) {
  const { t } = useTranslation();
  return (
    <AppShell.Header>
      <Group h="100%" px="md" justify="space-between" wrap="nowrap">
        <Group gap="sm" wrap="nowrap" miw={0}>
          <Burger
            opened={props.navOpen}
            onClick={props.onBurger}
            hiddenFrom="sm"
            size="sm"
            aria-label={t("shell.toggleNav")}
          />
          <Title order={1} size="h4" lineClamp={1}>
            {t("admin.title")}
          </Title>
        </Group>
        <Group gap="xs" wrap="nowrap" visibleFrom="sm">
          <LanguagePicker />
          <SchemeToggle />
        </Group>
        <AdminHeaderMenu />
      </Group>
    </AppShell.Header>
  );
}

/** The pages from nav.ts, and the way back to the drive. */
function AdminNavbar(props: { active?: string; onPick: () => void }) {
  const { t } = useTranslation();
  return (
    <AppShell.Navbar p="sm" aria-label={t("admin.navigation")}>
      <AppShell.Section grow>
        {ADMIN_NAV.map((item) => (
          <NavRouterLink
            key={item.key}
            to="/admin/$"
            params={{ _splat: item.key }}
            search={{}}
            label={t(`admin.nav.${item.key}`)}
            leftSection={<item.icon size={18} stroke={1.6} />}
            active={props.active === item.key}
            aria-current={props.active === item.key ? "page" : undefined}
            onClick={props.onPick}
          />
        ))}
      </AppShell.Section>
      <AppShell.Section>
        <NavRouterLink
          to="/home"
          search={{ path: MY_ROOT }}
          label={t("admin.backToDrive")}
          leftSection={<IconArrowLeft size={18} stroke={1.6} />}
        />
      </AppShell.Section>
    </AppShell.Navbar>
  );
}

/** A page's chunk, with a spinner while it loads. */
function PageLoading({ page: Page }: { page: LazyExoticComponent<ComponentType> }) {
  const { t } = useTranslation();
  return (
    <Suspense
      fallback={
        <Group justify="center" p="xl">
          <Loader size="sm" aria-label={t("admin.list.loading")} />
        </Group>
      }
    >
      <Page />
    </Suspense>
  );
}
