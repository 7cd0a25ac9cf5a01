// The Mantine theme: one accent colour, system fonts (with a CJK fallback), and motion turned
// off for people (and screenshots) that ask for reduced motion.
import { createTheme } from "@mantine/core";

export const theme = createTheme({
  primaryColor: "blue",
  // Shade 9 keeps white on the accent and the accent on white above 4.5:1 (WCAG AA), for
  // the theme colours a user can pick as well.
  primaryShade: { light: 9, dark: 9 },
  respectReducedMotion: true,
  fontFamily:
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif',
  defaultRadius: "md",
  cursorType: "pointer",
});
