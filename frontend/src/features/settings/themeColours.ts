// The theme colours a user can pick: stored as a hex colour in `preferred_theme` (what the API
// keeps), shown with the Mantine palette of the same name.
import { createTheme, type MantineThemeOverride } from "@mantine/core";

export const THEME_COLOURS = {
  blue: "#228be6",
  teal: "#12b886",
  green: "#40c057",
  violet: "#7950f2",
  grape: "#be4bdb",
  pink: "#e64980",
  red: "#fa5252",
  orange: "#fd7e14",
  cyan: "#15aabf",
  indigo: "#4c6ef5",
} as const;
export type ThemeColour = keyof typeof THEME_COLOURS;

/** The palette for a stored colour; blue for none or one we do not offer. */
export function colourName(preferred: string | undefined): ThemeColour {
  const wanted = preferred?.trim().toLowerCase();
  const found = Object.entries(THEME_COLOURS).find(([, hex]) => hex === wanted);
  return (found?.[0] as ThemeColour | undefined) ?? "blue";
}

/** `base` with the user's colour as the primary one. */
export function themeWithColour(
  base: MantineThemeOverride,
  preferred: string | undefined,
): MantineThemeOverride {
  const primaryColor = colourName(preferred);
  return primaryColor === base.primaryColor ? base : createTheme({ ...base, primaryColor });
}
