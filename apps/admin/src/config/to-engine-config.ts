// Maps the API's view of the configuration to the engine's snapshot. Engine ids are String(dbId).
import type { EngineConfig, ServiceConfig } from '@fulcrum/engine';
import type { ServiceDto } from '@fulcrum/shared/api';
import { serviceSettings } from '../store/services-repo.ts';
import { parseAddress } from '@fulcrum/shared/address';
import type { HostPort } from '@fulcrum/shared/address';

function hostPort(address: string): HostPort {
  const parsed = parseAddress(address, true);
  // Stored addresses were validated on the way in; failing here means a corrupt database.
  if (!parsed.ok) throw new TypeError(`stored address "${address}" is invalid: ${parsed.reason}`);
  return parsed.value;
}

/** The engine snapshot for the given services; `listenHost` (--listen-host) replaces every service's listen host. */
export function toEngineConfig(services: readonly ServiceDto[], listenHost?: string): EngineConfig {
  return {
    services: services.map((s): ServiceConfig => {
      const listen = hostPort(s.listen);
      return {
        id: String(s.id),
        name: s.name,
        host: listenHost ?? listen.host,
        port: listen.port,
        ...serviceSettings(s),
        backends: s.backends.map((b) => {
          const address = hostPort(b.address);
          return {
            id: String(b.id),
            host: address.host,
            port: address.port,
            weight: b.weight,
            state: b.state,
            backup: b.backup,
            maxConnections: b.maxConnections,
          };
        }),
      };
    }),
  };
}
