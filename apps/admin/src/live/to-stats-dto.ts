// Maps engine counters to the wire form: listen as host:port, the engine-only fields left out.
// Backend counters have one shape on both sides (BackendStatsDto) and pass through; members of
// a discovery group are marked with their group, and each service lists its groups' state.
import type { EngineStats } from '@fulcrum/engine';
import type { DiscoveryStatusDto, StatsDto } from '@fulcrum/shared/api';
import { formatAddress } from '@fulcrum/shared/address';

/** What the stats need of DNS discovery (discovery/discovery.ts). */
export interface DiscoveryView {
  groupOf(memberId: number): { groupId: number } | undefined;
  statusOf(serviceId: number): DiscoveryStatusDto[];
}

/** The API view of an engine stats snapshot. */
export function toStatsDto(stats: EngineStats, discovery?: DiscoveryView): StatsDto {
  return {
    time: stats.time,
    services: stats.services.map((s) => {
      const groups = discovery?.statusOf(s.id) ?? [];
      return {
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
        backends:
          groups.length === 0 && discovery === undefined
            ? s.backends
            : s.backends.map((b) => {
                const group = discovery?.groupOf(b.id)?.groupId;
                return group === undefined ? b : { ...b, group };
              }),
        ...(groups.length > 0 ? { discovery: groups } : {}),
      };
    }),
  };
}
