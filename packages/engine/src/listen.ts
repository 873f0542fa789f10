import net from 'node:net';
import { ListenError } from './errors.ts';
import { formatAddress } from '@fulcrum/shared/address';

/**
 * Binds a service's listening socket; rejects with ListenError (EADDRINUSE → FULCRUM_ADDRESS_IN_USE).
 * Errors of the socket once it listens go to `onLaterError`. With `fd`, listens on that
 * already-bound socket instead (one inherited from the process this one took over from: the same
 * kernel socket, so no connection is refused between the two).
 */
export function listen(serviceId: number, host: string, port: number, reusePort: boolean, onLaterError: (err: NodeJS.ErrnoException) => void, fd?: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    // Both options matter only to the socket relay (the native one takes accepting over): a
    // client's FIN must not end our side too, and nothing is read before its backend is connected.
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
    const onBindError = (err: NodeJS.ErrnoException): void => {
      server.close();
      reject(new ListenError(serviceId, formatAddress(host, port), err));
    };
    server.once('error', onBindError);
    // reusePort (Node ≥ 22.12 / 23.1): each process binds its own SO_REUSEPORT socket and the
    // kernel spreads connections; `exclusive` keeps a cluster worker from sharing the
    // primary's handle instead. Older Node ignores the option.
    const opts: net.ListenOptions & { reusePort?: boolean; fd?: number } = fd !== undefined ? { fd, backlog: 4096 } : reusePort ? { host, port, backlog: 4096, exclusive: true, reusePort: true } : { host, port, backlog: 4096 };
    server.listen(opts, () => {
      server.off('error', onBindError);
      // A listening socket's later errors must not crash the process: they are reported instead.
      server.on('error', onLaterError);
      resolve(server);
    });
  });
}
