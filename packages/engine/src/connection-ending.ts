// Ending (Phase.Ending, entered by Connection.endGracefully at a drain deadline: shutdown
// timeout, reload drain limit): a relaying connection closes without a reset and without losing
// a reply. What the client sends from then on is read and dropped (never forwarded, so a request
// is either wholly before the backend's FIN or never reaches it); the backend gets FIN after the
// bytes already relayed to it, and everything it still sends — the replies in flight — reaches
// the client, followed by its FIN (the usual half-close path). Each socket closes when its
// peer's FIN arrives. The backend gets ENDING_GRACE_MS to send its FIN; past that the client
// gets FIN after the bytes queued for it and the backend is closed hard; the client then gets
// ENDING_GRACE_MS to close its side before it is closed hard too.
//
// connection.ts owns the phase, the timer and the closes; the FINs on the sockets are here.
import type { ConnectionIoOf, Endpoint } from './connection-io.ts';
import { Side, canRead, type SideState } from './connection-state.ts';

/** What the ending's socket steps read of a connection (Connection, structurally). */
export interface EndingView<C> {
  readonly client: Endpoint;
  readonly upstream: Endpoint | null;
  readonly clientState: SideState;
  readonly upstreamState: SideState;
  readonly service: { readonly io: ConnectionIoOf<C> };
}

/**
 * Ending starts: unless the client's FIN was read already (and so forwarded), its bytes are
 * dropped from now on and the backend gets our FIN behind what was relayed to it. false: the
 * client's socket failed (the caller fails the connection).
 */
export function finOnEnding<C extends EndingView<C>>(c: C): boolean {
  if (!canRead(c.clientState)) return true;
  if (c.service.io.discardClient(c) !== 0) return false;
  if (c.upstreamState < Side.Closing) c.service.io.endAfterQueued(c, c.upstream as Endpoint);
  return true;
}

/**
 * The backend's grace passed and it is still open: the client gets FIN after what is queued
 * for it — unless the backend's own FIN, read already, is on its way (canRead is false then).
 */
export function finClientAfterGrace<C extends EndingView<C>>(c: C): void {
  if (canRead(c.upstreamState) && c.clientState < Side.Closing) c.service.io.endAfterQueued(c, c.client);
}
