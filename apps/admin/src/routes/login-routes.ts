// POST /api/login and /api/logout (public): exchange a token for a session cookie and back.
// A failed login counts against the client's failed-authentication budget like any other failure
// (auth/failure-limiter.ts); ending a session closes the WebSockets opened with it (code 4401).
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from '../auth/authenticate.ts';
import { errorResponses } from '../schemas/common-schemas.ts';
import type { RouteDeps } from './route-deps.ts';

const LoginBody = Type.Object({ token: Type.String({ minLength: 1, maxLength: 512 }) }, { additionalProperties: false });

function cookieOptions(request: FastifyRequest) {
  return { path: '/', httpOnly: true, sameSite: 'strict' as const, secure: request.protocol === 'https' };
}

export const loginRoutes: FastifyPluginAsync<RouteDeps> = async (app, { auth, sessions, hub }) => {
  app.post<{ Body: Static<typeof LoginBody> }>(
    '/login',
    {
      schema: {
        summary: 'Exchange a token for a session cookie (fulcrum_session; HttpOnly, SameSite=Strict)',
        tags: ['session'],
        security: [],
        body: LoginBody,
        response: { 204: Type.Null({ description: 'logged in; the cookie is set' }), ...errorResponses(400, 401, 413, 415, 429) },
      },
    },
    async (request, reply: FastifyReply) => {
      const who = auth.login(request, reply, request.body.token);
      const previous = request.cookies[SESSION_COOKIE];
      if (previous) {
        await sessions.delete(previous);
        hub.closeSession(previous);
      }
      reply.setCookie(SESSION_COOKIE, await sessions.create(who.tokenId), cookieOptions(request));
      return reply.code(204).send();
    },
  );

  app.post(
    '/logout',
    {
      schema: {
        summary: 'End the session, clear its cookie and close its WebSockets (code 4401)',
        tags: ['session'],
        security: [],
        response: { 204: Type.Null({ description: 'logged out' }), ...errorResponses() },
      },
    },
    async (request, reply) => {
      const sessionId = request.cookies[SESSION_COOKIE];
      if (sessionId) {
        await sessions.delete(sessionId);
        // Every tab of this session streams on its own socket: end them all now, not at their next request.
        hub.closeSession(sessionId);
      }
      reply.clearCookie(SESSION_COOKIE, cookieOptions(request));
      return reply.code(204).send();
    },
  );
};
