import { Suspense, lazy, useEffect } from 'react';
import { bootstrapSession } from '../features/auth/session.ts';
import { LoginPage } from '../features/auth/login-page.tsx';
import { useAppStore } from '../store/app-store.ts';
// The console (and, inside it, the charts) load on demand: the sign-in page needs neither.
const ConsolePage = lazy(() => import('./console-page.tsx').then((m) => ({ default: m.ConsolePage })));

/** Routes between the start-up probe, the login page and the console by session state. */
export function App() {
  const status = useAppStore((s) => s.session.status);

  useEffect(() => {
    void bootstrapSession();
  }, []);

  const splash = (text: string) => (
    <div className="splash" aria-busy="true">
      <span className="spinner" aria-hidden="true" />
      <span className="muted">{text}</span>
    </div>
  );
  if (status === 'unknown') return splash('Checking session…');
  return status === 'authenticated' ? (
    <Suspense fallback={splash('Loading the console…')}>
      <ConsolePage />
    </Suspense>
  ) : (
    <LoginPage />
  );
}
