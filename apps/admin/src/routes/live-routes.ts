// GET /api/live: the WebSocket. `hello` on connect, then stats, events and config pushes.
import type { FastifyPluginAsync } from 'fastify';
import type {} from '@fastify/websocket'; // the websocket route option
import type { RouteDeps } from './route-deps.ts';

export const liveRoutes: FastifyPluginAsync<RouteDeps> = async (app, { hub, config, sampler }) => {
  app.get('/live', { websocket: true, config: { queryToken: true } }, (socket) => {
    // Joining the hub and sending hello in one tick: no config change can fall between them.
    hub.add(socket);
    hub.send(socket, { type: 'hello', services: [...config.services], stats: sampler.current() });
    // Server → client only; anything a client sends is ignored.
    socket.on('message', () => {});
  });
};
