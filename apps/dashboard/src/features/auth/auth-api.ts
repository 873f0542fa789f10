import { api } from '../../lib/api-client.ts';

export interface SessionInfo {
  actor: string;
}

/** POST /api/login: exchanges the admin token for an HttpOnly session cookie. */
export function login(token: string): Promise<void> {
  return api.post<void>('/login', { token }, { allowUnauthorized: true });
}

/** POST /api/logout. */
export function logout(): Promise<void> {
  return api.post<void>('/logout', undefined, { allowUnauthorized: true });
}

/** GET /api/session: 200 with the actor, or an ApiError with code UNAUTHORIZED. */
export function fetchSession(signal?: AbortSignal): Promise<SessionInfo> {
  return api.get<SessionInfo>('/session', { allowUnauthorized: true, signal });
}
