import net from 'node:net';
import { ListenError } from './errors.ts';
import { formatAddress } from '@fulcrum/shared/address';
import type { ServerHandle, TcpHandle } from './tcp-handle.ts';

/** Binds a service's listening socket; rejects with ListenError (EADDRINUSE → FULCRUM_ADDRESS_IN_USE). */
export function listen(serviceId: number, host: string, port: number, reusePort = false): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    const onError = (err: NodeJS.ErrnoException): void => {
      server.close();
      reject(new ListenError(serviceId, formatAddress(host, port), err));
    };
    server.once('error', onError);
    // reusePort (Node ≥ 22.12 / 23.1): each process binds its own SO_REUSEPORT socket and the
    // kernel spreads connections; `exclusive` keeps a cluster worker from sharing the
    // primary's handle instead. Older Node ignores the option.
    const opts: net.ListenOptions & { reusePort?: boolean } = reusePort ? { host, port, backlog: 4096, exclusive: true, reusePort: true } : { host, port, backlog: 4096 };
    server.listen(opts, () => {
      server.off('error', onError);
      // A listening socket's later errors (rare: EMFILE on accept) must not crash the process.
      server.on('error', noop);
      resolve(server);
    });
  });
}

/**
 * Takes accepting over from net.Server: each accepted connection reaches `onClient` as the
 * bare libuv handle, and no net.Socket is ever built for it (see tcp-handle.ts). net.Server
 * still does what it is good at: binding, cluster handle sharing, reusePort, close().
 * Accept errors (EMFILE and the like) drop that one connection attempt, as net.Server does.
 */
export function acceptRaw(server: net.Server, onClient: (client: TcpHandle) => void): void {
  const handle = (server as unknown as { _handle: ServerHandle | null })._handle;
  if (handle === null) throw new Error('acceptRaw() needs a listening server');
  handle.onconnection = (status, client) => {
    if (status === 0 && client !== undefined) onClient(client);
  };
}

function noop(): void {}
