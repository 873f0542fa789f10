// The one place backend sockets are created, so every upstream connection gets the same
// socket options (undici's buildConnector is the model).
import net from 'node:net';

/** Keepalive probe delay for both sides of a proxied connection. */
export const KEEPALIVE_INITIAL_DELAY_MS = 30_000;

/** Options for the listening sockets: clients arrive paused until a backend is connected. */
export const LISTEN_SOCKET_OPTIONS: net.ServerOpts = {
  allowHalfOpen: true,
  pauseOnConnect: true,
  noDelay: true,
  keepAlive: true,
  keepAliveInitialDelay: KEEPALIVE_INITIAL_DELAY_MS,
};

/**
 * Opens a connection to a backend: half-open allowed (we forward FIN ourselves), Nagle off,
 * TCP keepalive on, connect timeout enforced with the socket's own idle timer (no extra timer).
 */
export function connectBackend(host: string, port: number, connectTimeoutMs: number): net.Socket {
  const socket = net.connect({
    host,
    port,
    allowHalfOpen: true,
    noDelay: true,
    keepAlive: true,
    keepAliveInitialDelay: KEEPALIVE_INITIAL_DELAY_MS,
  });
  socket.setTimeout(connectTimeoutMs);
  return socket;
}
