// The close report of a connection on connectionCloseChannel (diagnostics.ts): an access log
// subscribes there. Everything it needs is taken only while someone listens, so an unobserved
// engine pays one property read per connection.
import { connectionCloseChannel, type CloseReason } from './diagnostics.ts';

/** `address:port` of a peer as the report names it ('?' and 0 for what getpeername did not give). */
export function peerText(p: { address?: string; port?: number }): string {
  return `${p.address ?? '?'}:${p.port ?? 0}`;
}

/**
 * Publishes one finished connection. `peer` and `acceptedAt` are null and 0 when nobody listened
 * at accept; `backend` is the address of the backend that served it, null if none did.
 */
export function publishClose(
  serviceId: number, peer: string | null, acceptedAt: number, backend: string | null,
  bytesIn: number, bytesOut: number, reason: CloseReason,
): void {
  connectionCloseChannel.publish({
    serviceId,
    client: peer ?? '?:0',
    backend,
    durationMs: peer === null ? 0 : Math.round(performance.now() - acceptedAt),
    bytesIn,
    bytesOut,
    reason,
  });
}
