import { useState, type FormEvent } from 'react';
import { useAppStore } from '../../store/app-store.ts';
import { loginErrorText, signIn } from './session.ts';

/** Token sign-in. The token is exchanged for an HttpOnly cookie and never stored by the page. */
export function LoginPage() {
  const notice = useAppStore((s) => s.session.notice);
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!token.trim()) {
      setError('Enter the admin token.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await signIn(token.trim());
    } catch (err) {
      setError(loginErrorText(err));
      setBusy(false);
    }
  }

  return (
    <main className="login">
      <form className="login-card panel" onSubmit={submit} noValidate aria-labelledby="login-title">
        <div className="brand brand-lg">
          <Logo />
          <span>Fulcrum</span>
        </div>
        <h1 id="login-title">Sign in to the console</h1>
        <p className="muted">
          Paste the admin token (<code>FULCRUM_ADMIN_TOKEN</code>, or the one printed when <code>fulcrum</code> started).
        </p>
        {notice && !error ? (
          <p className="notice" role="status">
            {notice}
          </p>
        ) : null}
        <div className="field">
          <label className="field-label" htmlFor="login-token">
            Admin token
          </label>
          <input
            id="login-token"
            className="input mono"
            type="password"
            autoComplete="current-password"
            autoFocus
            value={token}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'login-error' : undefined}
            onChange={(e) => setToken(e.target.value)}
          />
          {error ? (
            <p id="login-error" className="field-error" role="alert" data-testid="login-error">
              {error}
            </p>
          ) : null}
        </div>
        <button type="submit" className="btn btn-primary login-submit" disabled={busy}>
          {busy ? <span className="spinner" aria-hidden="true" /> : null}
          Sign in
        </button>
      </form>
    </main>
  );
}

/** The Fulcrum mark: a lever on its pivot. */
export function Logo({ size = 22 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true">
      <rect width="32" height="32" rx="7" fill="#16212f" />
      <path d="M6 21.5 26 14.5" stroke="#4fb3ff" strokeWidth="3" strokeLinecap="round" />
      <path d="M16 18.5 11 26h10z" fill="#37d39a" />
    </svg>
  );
}
