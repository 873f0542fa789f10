import { THEME_PREFERENCES, type ThemePreference } from '../../lib/theme.ts';
import { setThemePreference } from '../../store/actions.ts';
import { useAppStore } from '../../store/app-store.ts';
import { selectTheme } from '../../store/theme-slice.ts';

const LABEL: Record<ThemePreference, string> = { system: 'System', light: 'Light', dark: 'Dark' };

/** The header's theme switch: system (follows prefers-color-scheme), light or dark; remembered in this browser. */
export function ThemeSwitch() {
  const preference = useAppStore((s) => s.themePreference);
  const shown = useAppStore(selectTheme);
  return (
    <div className="theme-switch" role="group" aria-label="Theme" data-testid="theme-switch" data-theme-shown={shown}>
      {THEME_PREFERENCES.map((p) => (
        <button
          key={p}
          type="button"
          aria-pressed={preference === p}
          className={`theme-option${preference === p ? ' is-selected' : ''}`}
          title={p === 'system' ? `Follow the system (now ${shown})` : `${LABEL[p]} theme`}
          onClick={() => setThemePreference(p)}
        >
          {LABEL[p]}
        </button>
      ))}
    </div>
  );
}
