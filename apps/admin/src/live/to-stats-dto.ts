// Maps engine counters to the wire form: listen as host:port, the engine-only fields left out.
// Backend counters have one shape on both sides (BackendStatsDto) and pass through.
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
      rejectedByReason: { ...s.rejectedByReason },
      queued: s.queued,
      bytesIn: s.bytesIn,
      bytesOut: s.bytesOut,
      backends: s.backends,
    })),
  };
}
