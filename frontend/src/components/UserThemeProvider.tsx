// MantineProvider with the signed-in user's theme colour (settings → profile).
import { MantineProvider } from "@mantine/core";
import { type ReactNode, useMemo } from "react";
import { useSession } from "../api/session";
import { themeWithColour } from "../pages/settings/themeColours";
import { theme } from "../theme";

export function UserThemeProvider({ children }: { children: ReactNode }) {
  const preferred = useSession()?.user.preferred_theme;
  const userTheme = useMemo(() => themeWithColour(theme, preferred), [preferred]);
  return (
    <MantineProvider theme={userTheme} defaultColorScheme="auto">
      {children}
    </MantineProvider>
  );
}
