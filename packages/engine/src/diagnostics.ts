// Tracing channels (node:diagnostics_channel), declared in one place. Publishing is guarded
// by hasSubscribers, so an unobserved engine pays one property read per connection.
import diagnosticsChannel from 'node:diagnostics_channel';

/** Why a proxied connection ended. */
export type CloseReason =
  | 'closed' // both sides finished (FIN or close from either peer)
  | 'client-error' // the client reset or errored
  | 'backend-error' // the backend reset or errored
  | 'idle-timeout'
  | 'destroyed' // drain timeout, closeOnDown, or shutdown
  | 'rejected' // no backend could take it
  | 'client-gone'; // the client left before a backend was connected

/** Published on `fulcrum:connection:close` once per client connection. */
export interface ConnectionCloseMessage {
  serviceId: string;
  client: string;
  /** `host:port` of the backend that served it; null if none did. */
  backend: string | null;
  durationMs: number;
  bytesIn: number;
  bytesOut: number;
  reason: CloseReason;
}

/** One message per finished client connection: an access log subscribes here. */
export const connectionCloseChannel = diagnosticsChannel.channel('fulcrum:connection:close');
