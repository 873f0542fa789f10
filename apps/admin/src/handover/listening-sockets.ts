// The file descriptors of this process's listening sockets, to pass on to a successor process.
// Node keeps a listening socket's descriptor on the server's libuv handle (`_handle.fd`, Unix only).
import type { Server } from 'node:net';
import { LoadBalancer } from '@fulcrum/engine';
import type { DataPlane } from '../data-plane/data-plane.ts';
import { clusterOf } from '../data-plane/engine-factory.ts';
import type { InheritedSocket } from './handover-protocol.ts';

/** The descriptor a listening server accepts on, if it has one. */
export function listeningFd(server: Server): number | undefined {
  const fd = (server as unknown as { _handle?: { fd?: unknown } | null })._handle?.fd;
  return typeof fd === 'number' && fd > 2 ? fd : undefined;
}

/** Every service's listening socket; `release` closes what was opened only to be passed on. */
export async function serviceSockets(engine: DataPlane): Promise<{ listeners: InheritedSocket[]; release(): void }> {
  const cluster = clusterOf(engine);
  if (cluster) return cluster.listeningSockets();
  const listeners: InheritedSocket[] = [];
  if (engine instanceof LoadBalancer) {
    for (const l of engine.listeningSockets()) {
      const fd = listeningFd(l.server);
      if (fd !== undefined) listeners.push({ host: l.host, port: l.port, fd });
    }
  }
  return { listeners, release() {} };
}
