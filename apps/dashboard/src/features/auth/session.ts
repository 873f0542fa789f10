// Session lifecycle: sign in (form or ?token= link), probe, sign out, and what happens when
// the admin says the session is gone.
import { ApiError, errorMessage, setUnauthorizedHandler } from '../../lib/api-client.ts';
import { sessionAuthenticated, sessionEnded } from '../../store/actions.ts';
import { useAppStore } from '../../store/app-store.ts';
import { stopLive } from '../live/live-socket.ts';
import { fetchSession, login, logout } from './auth-api.ts';

/** Human text for a failed sign-in. */
export function loginErrorText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'UNAUTHORIZED') return 'That token was not accepted. Check it and try again.';
    if (error.code === 'RATE_LIMITED') return 'Too many failed attempts from this address. Wait a minute before trying again.';
  }
  return errorMessage(error);
}

/** Called on any 401 after sign-in, and when the live socket closes with 4401: logout in another tab, expiry, revocation. */
export function sessionLost(): void {
  if (useAppStore.getState().session.status !== 'authenticated') return;
  stopLive();
  sessionEnded('Your session ended. Sign in again to continue.');
}

/** Probes the session and records the result. */
export async function refreshSession(): Promise<void> {
  try {
    const { actor } = await fetchSession();
    sessionAuthenticated(actor || 'operator');
  } catch (error) {
    if (error instanceof ApiError && error.code === 'UNAUTHORIZED') sessionEnded(useAppStore.getState().session.notice);
    else sessionEnded(`Cannot check the session: ${errorMessage(error)}`);
  }
}

/** Signs in with a token; throws an ApiError on failure. */
export async function signIn(token: string): Promise<void> {
  await login(token);
  await refreshSession();
}

/** Signs out on the server (best effort) and clears all local data. */
export async function signOut(): Promise<void> {
  stopLive();
  try {
    await logout();
  } catch {
    // Best effort: the cookie may already be gone; the local session ends either way.
  }
  sessionEnded(null);
}

/**
 * Start-up: a `?token=` in the URL (links printed by `fulcrum` on start) is exchanged for a
 * cookie and removed from the address bar and history first, so it never lingers.
 */
export async function bootstrapSession(): Promise<void> {
  setUnauthorizedHandler(sessionLost);
  const url = new URL(window.location.href);
  const token = url.searchParams.get('token');
  if (token !== null) {
    url.searchParams.delete('token');
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
    try {
      await login(token);
    } catch (error) {
      sessionEnded(`The sign-in link did not work: ${loginErrorText(error)}`);
      return;
    }
  }
  await refreshSession();
}
