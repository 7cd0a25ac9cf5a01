// MantineProvider with the signed-in user's theme colour (settings → profile), and a spoken
// name for the close buttons of every dialog and notification.
import { MantineProvider, Modal, mergeThemeOverrides, Notification } from "@mantine/core";
import { type ReactNode, useMemo } from "react";
import { useTranslation } from "react-i18next";
import { useSession } from "../api/session";
import { themeWithColour } from "../features/settings/themeColours";
import { theme } from "./theme";

export function UserThemeProvider({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const preferred = useSession()?.user.preferred_theme;
  const close = t("settings.close");
  const userTheme = useMemo(
    () =>
      mergeThemeOverrides(themeWithColour(theme, preferred), {
        components: {
          Modal: Modal.extend({ defaultProps: { closeButtonProps: { "aria-label": close } } }),
          Notification: Notification.extend({
            defaultProps: { closeButtonProps: { "aria-label": close } },
          }),
        },
      }),
    [preferred, close],
  );
  return (
    <MantineProvider theme={userTheme} defaultColorScheme="auto">
      {children}
    </MantineProvider>
  );
}
