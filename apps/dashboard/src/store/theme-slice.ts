// The theme: the operator's preference and the system's scheme (the shown theme is derived).
import { readPreference, resolveTheme, systemTheme, type Theme, type ThemePreference } from '../lib/theme.ts';

export interface ThemeSlice {
  themePreference: ThemePreference;
  systemTheme: Theme;
}

/** The stored preference and the system's scheme now. */
export function initialThemeSlice(): ThemeSlice {
  return { themePreference: readPreference(), systemTheme: systemTheme() };
}

/** The theme shown. */
export const selectTheme = (s: ThemeSlice): Theme => resolveTheme(s.themePreference, s.systemTheme);
