import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/app.tsx';
import { applyTheme, watchSystemTheme } from './lib/theme.ts';
import { systemThemeChanged } from './store/actions.ts';
import { useAppStore } from './store/app-store.ts';
import { selectTheme } from './store/theme-slice.ts';
import './styles/tokens.css';
import './styles/base.css';
import './styles/shell.css';
import './styles/service.css';
import './styles/backends.css';
import './styles/charts.css';
import './styles/events.css';
import './styles/overview.css';
import './styles/cluster.css';
import './styles/overlays.css';
import './styles/responsive.css';

// The theme is on <html> before the first paint, and follows the store from then on.
applyTheme(selectTheme(useAppStore.getState()));
useAppStore.subscribe((state, previous) => {
  const theme = selectTheme(state);
  if (theme !== selectTheme(previous)) applyTheme(theme);
});
watchSystemTheme(systemThemeChanged);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
