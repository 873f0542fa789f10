import net from 'node:net';
import { LISTEN_SOCKET_OPTIONS } from './connector.ts';
import { ListenError } from './errors.ts';
import { formatAddress } from '@fulcrum/shared/address';

/** Binds a service's listening socket; rejects with ListenError (EADDRINUSE → FULCRUM_ADDRESS_IN_USE). */
export function listen(serviceId: string, host: string, port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer(LISTEN_SOCKET_OPTIONS);
    const onError = (err: NodeJS.ErrnoException): void => {
      server.close();
      reject(new ListenError(serviceId, formatAddress(host, port), err));
    };
    server.once('error', onError);
    server.listen({ host, port, backlog: 4096 }, () => {
      server.off('error', onError);
      // A listening socket's later errors (rare: EMFILE on accept) must not crash the process.
      server.on('error', noop);
      resolve(server);
    });
  });
}

function noop(): void {}
