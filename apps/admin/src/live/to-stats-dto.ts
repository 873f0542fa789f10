// Maps engine counters to the wire form: listen as host:port.
import type { EngineStats } from '@fulcrum/engine';
import type { StatsDto } from '@fulcrum/shared/api';
import { formatAddress } from '@fulcrum/shared/address';

/** The API view of an engine stats snapshot. */
export function toStatsDto(stats: EngineStats): StatsDto {
  return {
    time: stats.time,
    services: stats.services.map((s) => ({
      id: s.id,
      name: s.name,
      listen: formatAddress(s.host, s.port),
      active: s.active,
      total: s.total,
      rejected: s.rejected,
      queued: s.queued,
      bytesIn: s.bytesIn,
      bytesOut: s.bytesOut,
      backends: s.backends.map((b) => ({
        id: b.id,
        address: b.address,
        state: b.state,
        health: b.health,
        removed: b.removed,
        weight: b.weight,
        effectiveWeight: b.effectiveWeight,
        active: b.active,
        total: b.total,
        bytesIn: b.bytesIn,
        bytesOut: b.bytesOut,
        connectFailures: b.connectFailures,
        connectTimeMs: b.connectTimeMs,
      })),
    })),
  };
}
