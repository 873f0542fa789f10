// The admin's part of stepping back after a hand-over: the successor accepts on the same socket
// now, so this process stops following the cluster (without leaving it), stops accepting, ends its WebSockets (1001 "going away": consoles reconnect,
// to the successor) and lets its open HTTP connections end without racing a request: each one's
// next response says `Connection: close`, and idle ones end at the keep-alive timeout their client
// was told (Keep-Alive: timeout=…), never under a request it may be sending.
import net from 'node:net';
import type { FastifyInstance } from 'fastify';

/** Resolves once every admin connection of this process has ended. */
export async function retireAdmin(app: FastifyInstance): Promise<void> {
  // With a shared store the successor is this node now: stop heartbeating (its stale version would
  // alternate with the successor's) without leaving the cluster view.
  await app.fulcrum.link?.stop({ leave: false });
  const server = app.server;
  server.prependListener('request', (_request, response) => {
    response.setHeader('connection', 'close');
  });
  app.fulcrum.hub.closeAll(undefined, 'server handed over to a new process');
  await new Promise<void>((resolve) => {
    // net.Server's close, not http.Server's: that one also closes idle keep-alive connections at
    // once, under a request a client may be sending on one of them right now.
    net.Server.prototype.close.call(server, () => resolve());
  });
}
