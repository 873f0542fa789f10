// Authentication for /api: a Bearer token or the session cookie (and `?token=` on routes that
// allow it, i.e. the WebSocket, since browsers cannot set headers there). Cookie-authenticated
// changes must carry `x-fulcrum-csrf: 1`: a cross-site form cannot set custom headers, and
// SameSite=Strict is the second line of defence. Cookie-authenticated WebSocket upgrades must
// come from our own origin (browsers do not apply CORS to WebSockets).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/cookie'; // request.cookies
import type { Store } from '../store/store.ts';
import { ApiError } from '../http/api-error.ts';
import type { SessionStore } from './sessions.ts';
import { verifyToken } from './tokens.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling: the token's name. Empty on unauthenticated routes. */
    actor: string;
    authVia: 'token' | 'session' | undefined;
    /** The id of the token the caller presented or logged in with. */
    tokenId: number | undefined;
  }
  interface FastifyContextConfig {
    /** Accept `?token=` (WebSocket upgrades only). */
    queryToken?: boolean;
  }
}

export const SESSION_COOKIE = 'fulcrum_session';
export const CSRF_HEADER = 'x-fulcrum-csrf';
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const unauthorized = (message = 'a valid token or session is required'): ApiError =>
  new ApiError(401, 'UNAUTHORIZED', message);

function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true; // not a browser
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

export interface Authenticator {
  /** onRequest hook for protected routes: sets request.actor or fails with 401/403. */
  authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** The actor a token belongs to, or undefined. */
  resolveToken(token: string): { actor: string; tokenId: number } | undefined;
}

/** Builds the authenticator over the token store and the session table. */
export function createAuthenticator(store: Store, sessions: SessionStore): Authenticator {
  const resolveToken = (token: string) => {
    const record = verifyToken(store.tokens, token);
    return record && { actor: record.name, tokenId: record.id };
  };

  return {
    resolveToken,
    async authenticate(request) {
      const header = request.headers.authorization;
      if (header !== undefined) {
        const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
        const who = match?.[1] ? resolveToken(match[1]) : undefined;
        if (!who) throw unauthorized('the Bearer token is not valid');
        request.actor = who.actor;
        request.authVia = 'token';
        request.tokenId = who.tokenId;
        return;
      }

      const sessionId = request.cookies[SESSION_COOKIE];
      if (sessionId) {
        const session = sessions.touch(sessionId);
        // A revoked or replaced token ends the sessions it opened.
        const token = session && store.tokens.getById(session.tokenId);
        if (!session || !token || token.revokedAt !== null || token.name !== session.actor) {
          if (session) await sessions.delete(sessionId);
          throw unauthorized('the session has expired; log in again');
        }
        if (MUTATING.has(request.method) && request.headers[CSRF_HEADER] !== '1') {
          throw new ApiError(403, 'CSRF_REJECTED', `cookie-authenticated changes need the header ${CSRF_HEADER}: 1`);
        }
        if (request.headers.upgrade?.toLowerCase() === 'websocket' && !sameOrigin(request)) {
          throw new ApiError(403, 'CSRF_REJECTED', 'WebSocket connections with a session cookie must come from this origin');
        }
        request.actor = session.actor;
        request.authVia = 'session';
        request.tokenId = session.tokenId;
        return;
      }

      if (request.routeOptions.config.queryToken) {
        const token = (request.query as Record<string, unknown> | undefined)?.token;
        const who = typeof token === 'string' ? resolveToken(token) : undefined;
        if (who) {
          request.actor = who.actor;
          request.authVia = 'token';
          request.tokenId = who.tokenId;
          return;
        }
      }
      throw unauthorized();
    },
  };
}
