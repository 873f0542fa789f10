// What the console does when /api/live closes, by close code (LIVE_CLOSE_CODES).
import { LIVE_CLOSE_CODES } from '@fulcrum/shared/live-protocol';

/**
 * `sign-in`: the session is over (logout in another tab, revocation, expiry); show the sign-in
 * page without another attempt. `probe`: it may be authentication (a refused upgrade reaches the
 * browser only as 1006 before open; 1008 is a revoked token), so ask GET /api/session first.
 * `reconnect`: anything else; try again with backoff.
 */
export type CloseAction = 'sign-in' | 'probe' | 'reconnect';

/** The action for a socket that closed with `code`, having opened (`opened`) or not. */
export function closeAction(code: number, opened: boolean): CloseAction {
  if (code === LIVE_CLOSE_CODES.sessionEnded) return 'sign-in';
  if (code === LIVE_CLOSE_CODES.credentialsRevoked || !opened) return 'probe';
  return 'reconnect';
}
