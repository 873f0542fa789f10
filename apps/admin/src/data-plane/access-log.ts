// The access log (--access-log): one JSON line per finished client connection, from the engine's
// `fulcrum:connection:close` diagnostics channel. It runs where the engine runs: in this process,
// or in every worker process with --workers (FULCRUM_ACCESS_LOG is passed to them).
import type { FastifyBaseLogger } from 'fastify';
import { connectionCloseChannel } from '@fulcrum/engine';
import type { ConnectionCloseMessage, EngineConfig } from '@fulcrum/engine';

/** Environment variable that turns the access log on (`1`); also how workers are told. */
export const ACCESS_LOG_ENV = 'FULCRUM_ACCESS_LOG';

/** What the access log needs of an engine: its current config, for service names. */
export interface NamedServices {
  readonly config: EngineConfig;
}

/**
 * Writes one info line `connection` per closed connection through `log` (at info level whatever
 * the logger's own level is, so FULCRUM_LOG_LEVEL does not silence it). Returns the unsubscribe.
 */
export function startAccessLog(engine: NamedServices, log: FastifyBaseLogger): () => void {
  const out = log.child({}, { level: 'info' });
  // Names by id, rebuilt only when the engine's config object changes (apply swaps it).
  let names = new Map<number, string>();
  let namesOf: EngineConfig | undefined;
  const serviceName = (id: number): string => {
    if (engine.config !== namesOf) {
      namesOf = engine.config;
      names = new Map(namesOf.services.map((s) => [s.id, s.name]));
    }
    // A removed service's connections may outlive it in the config.
    return names.get(id) ?? `#${id}`;
  };
  const onClose = (raw: unknown): void => {
    const m = raw as ConnectionCloseMessage;
    out.info(
      {
        service: serviceName(m.serviceId),
        serviceId: m.serviceId,
        client: m.client,
        backend: m.backend,
        durationMs: m.durationMs,
        bytesIn: m.bytesIn,
        bytesOut: m.bytesOut,
        reason: m.reason,
      },
      'connection',
    );
  };
  connectionCloseChannel.subscribe(onClose);
  return () => {
    connectionCloseChannel.unsubscribe(onClose);
  };
}
