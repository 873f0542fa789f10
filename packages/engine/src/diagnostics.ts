// Tracing channels (node:diagnostics_channel), declared in one place. Publishing is guarded
// by hasSubscribers, so an unobserved engine pays one property read per connection.
import diagnosticsChannel from 'node:diagnostics_channel';
import type { CloseReason } from '@fulcrum/shared/enums';

/** Why a proxied connection ended (the list is declared in @fulcrum/shared). */
export type { CloseReason };

/** Published on `fulcrum:connection:close` once per client connection. */
export interface ConnectionCloseMessage {
  serviceId: number;
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
