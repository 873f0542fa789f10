// Light and dark theme. The operator's choice (system, light or dark) is kept in localStorage;
// "system" follows prefers-color-scheme live. The resolved theme is set as data-theme on <html>,
// where tokens.css picks the colours, so every style and chart reads one set of custom properties.

/** What the operator chose in the header's theme switch. */
export const THEME_PREFERENCES = ['system', 'light', 'dark'] as const;
export type ThemePreference = (typeof THEME_PREFERENCES)[number];
/** The theme actually shown. */
export type Theme = 'light' | 'dark';

/** localStorage key of the preference. */
export const THEME_STORAGE_KEY = 'fulcrum.theme';

const DARK_QUERY = '(prefers-color-scheme: dark)';
const LIGHT_QUERY = '(prefers-color-scheme: light)';

/** The theme shown for a preference and the system's scheme. */
export function resolveTheme(preference: ThemePreference, system: Theme): Theme {
  return preference === 'system' ? system : preference;
}

/** A stored preference, or "system" when there is none, it is unreadable or storage is off. */
export function readPreference(): ThemePreference {
  try {
    const stored = globalThis.localStorage?.getItem(THEME_STORAGE_KEY);
    return (THEME_PREFERENCES as readonly string[]).includes(stored ?? '') ? (stored as ThemePreference) : 'system';
  } catch {
    return 'system';
  }
}

/** Remembers the preference ("system" removes the key); storage being off only loses the memory. */
export function storePreference(preference: ThemePreference): void {
  try {
    if (preference === 'system') globalThis.localStorage?.removeItem(THEME_STORAGE_KEY);
    else globalThis.localStorage?.setItem(THEME_STORAGE_KEY, preference);
  } catch {
    // private mode or storage disabled: the choice lasts for this page only
  }
}

/** The system's scheme; dark when the browser states none (the console's original look). */
export function systemTheme(): Theme {
  const media = globalThis.matchMedia;
  if (typeof media !== 'function') return 'dark';
  return media(LIGHT_QUERY).matches && !media(DARK_QUERY).matches ? 'light' : 'dark';
}

/** Calls `onChange` whenever the system's scheme changes; returns the unsubscribe function. */
export function watchSystemTheme(onChange: (theme: Theme) => void): () => void {
  const media = globalThis.matchMedia;
  if (typeof media !== 'function') return () => {};
  const query = media(LIGHT_QUERY);
  const listener = () => onChange(systemTheme());
  query.addEventListener('change', listener);
  return () => query.removeEventListener('change', listener);
}

/** Shows `theme`: tokens.css switches on data-theme, and form controls and scrollbars follow color-scheme. */
export function applyTheme(theme: Theme): void {
  const root = document.documentElement;
  root.dataset.theme = theme;
  root.style.colorScheme = theme;
}
