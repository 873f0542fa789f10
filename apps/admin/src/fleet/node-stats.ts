// What a node's heartbeat carries about its traffic: the live stats trimmed to the counters and
// backend health the console's fleet overview needs (README "Cluster and HA", per-node view).
// About a hundred bytes per backend, written once a second per node.
import type { StatsDto } from '@fulcrum/shared/api';
import type { NodeStatsDto } from '@fulcrum/shared/cluster';

/** The heartbeat form of one stats sample (same ids, counters and health; no detail). */
export function toNodeStats(stats: StatsDto): NodeStatsDto {
  return {
    time: stats.time,
    services: stats.services.map((s) => ({
      id: s.id,
      active: s.active,
      total: s.total,
      rejected: s.rejected,
      rejectedByReason: s.rejectedByReason,
      queued: s.queued,
      bytesIn: s.bytesIn,
      bytesOut: s.bytesOut,
      backends: s.backends.map((b) => ({
        id: b.id,
        health: b.health,
        removed: b.removed,
        active: b.active,
        total: b.total,
        bytesIn: b.bytesIn,
        bytesOut: b.bytesOut,
        connectFailures: b.connectFailures,
        ...(b.group === undefined ? {} : { group: b.group }),
        agent: b.agent,
      })),
    })),
  };
}
