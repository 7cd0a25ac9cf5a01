// The dashboard's warning when the page is open at an address none of the site URLs has:
// passkeys are bound to the primary site URL's host (a browser elsewhere gets "This is an
// invalid domain"), and links, mails and callbacks name the site URL, so they lead elsewhere.
import { Alert, Button, Stack, Text } from "@mantine/core";
import { IconAlertTriangle } from "@tabler/icons-react";
import { useNavigate } from "@tanstack/react-router";
import { useTranslation } from "react-i18next";

/** The origin of `url`, or null when it is not a URL. */
function originOf(url: string): string | null {
  try {
    return new URL(url.trim()).origin;
  } catch {
    return null;
  }
}

/** Whether `here` (an origin) is one of the site URLs'. */
export function isSiteOrigin(here: string, siteUrls: readonly string[]): boolean {
  return siteUrls.some((url) => originOf(url) === here);
}

export function SiteUrlWarning({ siteUrls }: { siteUrls: readonly string[] }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const here = window.location.origin;
  if (siteUrls.length === 0 || isSiteOrigin(here, siteUrls)) return null;
  return (
    <Alert
      color="yellow"
      role="alert"
      icon={<IconAlertTriangle size={18} />}
      title={t("admin.dashboard.siteUrlDiffers.title")}
      // The light variant's yellow title is too faint to read on its background.
      styles={{ title: { color: "var(--mantine-color-text)" } }}
      data-testid="site-url-warning"
    >
      <Stack gap="xs" align="flex-start">
        <Text size="sm">
          {t("admin.dashboard.siteUrlDiffers.body", { here, site: siteUrls[0] })}
        </Text>
        <Button
          size="xs"
          variant="default"
          onClick={() => void navigate({ to: "/admin/$", params: { _splat: "settings" } } as never)}
        >
          {t("admin.dashboard.siteUrlDiffers.change")}
        </Button>
      </Stack>
    </Alert>
  );
}
