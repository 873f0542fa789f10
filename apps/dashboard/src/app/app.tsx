import { useEffect } from 'react';
import { bootstrapSession } from '../features/auth/session.ts';
import { LoginPage } from '../features/auth/login-page.tsx';
import { useAppStore } from '../store/app-store.ts';
import { ConsolePage } from './console-page.tsx';

/** Routes between the start-up probe, the login page and the console by session state. */
export function App() {
  const status = useAppStore((s) => s.session.status);

  useEffect(() => {
    void bootstrapSession();
  }, []);

  if (status === 'unknown') {
    return (
      <div className="splash" aria-busy="true">
        <span className="spinner" aria-hidden="true" />
        <span className="muted">Checking session…</span>
      </div>
    );
  }
  return status === 'authenticated' ? <ConsolePage /> : <LoginPage />;
}
