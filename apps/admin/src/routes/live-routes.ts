// GET /api/live: the WebSocket. `hello` on connect, then stats, events and config pushes.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type {} from '@fastify/websocket'; // the websocket route option
import { AUTH_ERRORS, errorResponses } from '../schemas/common-schemas.ts';
import type { RouteDeps } from './route-deps.ts';

export const liveRoutes: FastifyPluginAsync<RouteDeps> = async (app, { hub, config, sampler }) => {
  const schema = {
    summary: 'WebSocket: hello (config + stats), then stats, event and config messages',
    description: 'Upgrade to a WebSocket. Browsers authenticate with the session cookie (same origin) or `?token=`.',
    tags: ['stats'],
    response: { 101: Type.Null({ description: 'Switching Protocols: the WebSocket is open' }), ...errorResponses(...AUTH_ERRORS, 403) },
  };
  app.get('/live', { websocket: true, config: { queryToken: true }, schema }, (socket, request) => {
    // Joining the hub and sending hello in one tick: no config change can fall between them.
    // Remembered with its credential: logout, revocation or expiry of it closes the socket.
    if (request.tokenId !== undefined) {
      hub.add(socket, request.sessionId === undefined ? { tokenId: request.tokenId } : { tokenId: request.tokenId, sessionId: request.sessionId });
    }
    hub.send(socket, { type: 'hello', services: [...config.services], stats: sampler.current() });
    // Server → client only; anything a client sends is ignored.
    socket.on('message', () => {});
  });
};
