// Authentication for /api: a Bearer token or the session cookie (and `?token=` on routes that
// allow it, i.e. the WebSocket, since browsers cannot set headers there). Cookie-authenticated
// changes must carry `x-fulcrum-csrf: 1`: a cross-site form cannot set custom headers, and
// SameSite=Strict is the second line of defence. Cookie-authenticated WebSocket upgrades must
// come from our own origin (browsers do not apply CORS to WebSockets). Every failed attempt
// counts against the client's budget in the failure limiter (failure-limiter.ts), whichever way
// it came in; a client over budget gets 429 with Retry-After. In a cluster, another node may ask
// for a GET on a caller's behalf with a node assertion (fleet/node-assertion.ts) instead.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/cookie'; // request.cookies
import type { Store } from '../store/store.ts';
import { ApiError } from '../http/api-error.ts';
import type { LiveClientCredential } from '../live/live-hub.ts';
import { clientKey } from './client-key.ts';
import type { FailureLimiter } from './failure-limiter.ts';
import type { Session, SessionStore } from './sessions.ts';
import { verifyToken } from './tokens.ts';
import { NODE_ASSERTION_HEADER, verifyNodeAssertion } from '../fleet/node-assertion.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling: the token's name. Empty on unauthenticated routes. */
    actor: string;
    authVia: 'token' | 'session' | undefined;
    /** The id of the token the caller presented or logged in with. */
    tokenId: number | undefined;
    /** The session cookie's id, when the caller authenticated with one. */
    sessionId: string | undefined;
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

/** 429 with Retry-After in whole seconds (at least 1). */
function rateLimited(reply: FastifyReply, waitMs: number): ApiError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  void reply.header('retry-after', String(seconds));
  return new ApiError(429, 'RATE_LIMITED', `too many failed authentication attempts from this address; retry in ${seconds} s`);
}

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
  /** onRequest hook for protected routes: sets request.actor or fails with 401/403/429. */
  authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** POST /api/login's check: the token's owner, or 401/429, counted like every other attempt. */
  login(request: FastifyRequest, reply: FastifyReply, token: string): { actor: string; tokenId: number };
  /** Whether the credential a WebSocket was opened with still holds (session live, token not revoked). */
  stillValid(credential: LiveClientCredential): boolean;
}

/** What checking node assertions needs: this node's name and the cluster secret (cluster only). */
export interface NodeAssertionCheck {
  /** This node's name: an assertion must be for it. */
  self: string;
  /** The cluster secret, or undefined while it is not known (then no assertion passes). */
  secret: () => Buffer | undefined;
}

/**
 * Builds the authenticator over the token store, the session table and the failure limiter;
 * with `assertions` (a cluster node) it also accepts other nodes' assertions.
 */
export function createAuthenticator(store: Store, sessions: SessionStore, limiter: FailureLimiter, assertions?: NodeAssertionCheck): Authenticator {
  const resolveToken = (token: string) => {
    const record = verifyToken(store.tokens, token);
    return record && { actor: record.name, tokenId: record.id };
  };

  /** A presented token from client `key`: its owner, or 401 (a counted failure) or 429. */
  const checkToken = (reply: FastifyReply, key: string, presented: string | undefined, message: string) => {
    const blockedMs = limiter.blockedFor(key);
    // A blocked client that never proved a token learns nothing from this one: skip the work.
    if (blockedMs > 0 && !limiter.isProven(key)) throw rateLimited(reply, blockedMs);
    const who = presented ? resolveToken(presented) : undefined;
    if (!who) {
      if (blockedMs > 0) throw rateLimited(reply, blockedMs);
      limiter.fail(key);
      throw unauthorized(message);
    }
    if (blockedMs > 0 && !limiter.isProven(key, who.tokenId)) throw rateLimited(reply, blockedMs);
    limiter.succeed(key, who.tokenId);
    return who;
  };

  /** The session's owner while the session is live and its token neither revoked nor replaced. */
  const sessionOwner = (session: Session | undefined) => {
    const token = session && store.tokens.getById(session.tokenId);
    return session && token && token.revokedAt === null && token.name === session.actor ? session : undefined;
  };

  /** The live token a node assertion names for this request, or undefined. */
  const assertedToken = (request: FastifyRequest, header: string) => {
    const secret = assertions?.secret();
    if (!assertions || !secret || request.headers.upgrade !== undefined) return undefined;
    const tokenId = verifyNodeAssertion(secret, header, { method: request.method, pathWithQuery: request.url, targetNode: assertions.self });
    const token = tokenId === undefined ? undefined : store.tokens.getById(tokenId);
    return token && token.revokedAt === null ? token : undefined;
  };

  return {
    login(request, reply, token) {
      return checkToken(reply, clientKey(request.ip), token, 'that token is not valid');
    },
    stillValid(credential) {
      if (credential.sessionId !== undefined) return sessionOwner(sessions.peek(credential.sessionId)) !== undefined;
      const token = store.tokens.getById(credential.tokenId);
      return token !== undefined && token.revokedAt === null;
    },
    async authenticate(request, reply) {
      const key = clientKey(request.ip);
      const header = request.headers.authorization;
      if (header !== undefined) {
        const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
        const who = checkToken(reply, key, match?.[1], 'the Bearer token is not valid');
        request.actor = who.actor;
        request.authVia = 'token';
        request.tokenId = who.tokenId;
        return;
      }

      const assertion = request.headers[NODE_ASSERTION_HEADER];
      if (assertion !== undefined) {
        const token = typeof assertion === 'string' ? assertedToken(request, assertion) : undefined;
        if (!token) {
          // Refused like a wrong token: counted, and the message says nothing of which check failed.
          const blockedMs = limiter.blockedFor(key);
          if (blockedMs > 0) throw rateLimited(reply, blockedMs);
          limiter.fail(key);
          throw unauthorized('the node assertion is not valid');
        }
        request.actor = token.name;
        request.authVia = 'token';
        request.tokenId = token.id;
        return;
      }

      const sessionId = request.cookies[SESSION_COOKIE];
      if (sessionId) {
        const touched = sessions.touch(sessionId);
        // A revoked or replaced token ends the sessions it opened.
        const session = sessionOwner(touched);
        if (!session) {
          if (touched) await sessions.delete(sessionId);
          // A live session cookie always passes (it proves an earlier login); a wrong one counts.
          const blockedMs = limiter.blockedFor(key);
          if (blockedMs > 0) throw rateLimited(reply, blockedMs);
          limiter.fail(key);
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
        request.sessionId = sessionId;
        return;
      }

      if (request.routeOptions.config.queryToken) {
        const token = (request.query as Record<string, unknown> | undefined)?.token;
        if (token !== undefined) {
          const who = checkToken(reply, key, typeof token === 'string' ? token : undefined, 'the token is not valid');
          request.actor = who.actor;
          request.authVia = 'token';
          request.tokenId = who.tokenId;
          return;
        }
      }
      // No credentials at all is not a guess (a console opening before sign-in): not counted.
      throw unauthorized();
    },
  };
}
