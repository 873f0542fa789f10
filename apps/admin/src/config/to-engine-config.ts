// Maps the stored records to the engine's snapshot. Built from the records themselves (host and
// port as stored, database ids as engine ids), so nothing is formatted and parsed back.
import type { BackendConfig, EngineConfig } from '@fulcrum/engine';
import type { StoredRecords } from '../store/store.ts';
import { serviceSettings } from '../store/services-repo.ts';

/** The engine snapshot of the stored services and their backends, in id order; `listenHost` (--listen-host) replaces every service's listen host. */
export function toEngineConfig(records: StoredRecords, listenHost?: string): EngineConfig {
  const byService = new Map<number, BackendConfig[]>();
  for (const b of records.backends) {
    const list = byService.get(b.serviceId) ?? [];
    list.push({ id: b.id, host: b.host, port: b.port, weight: b.weight, state: b.state, backup: b.backup, maxConnections: b.maxConnections, agentCheck: b.agentCheck });
    byService.set(b.serviceId, list);
  }
  return {
    services: records.services.map((s) => ({
      id: s.id,
      name: s.name,
      host: listenHost ?? s.host,
      port: s.port,
      ...serviceSettings(s),
      backends: byService.get(s.id) ?? [],
    })),
  };
}
