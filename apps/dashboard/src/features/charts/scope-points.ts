// The live charts' points for the node scope the operator picked: this node's own stream, another
// node's heartbeats, or every node's heartbeats summed second by second. Pure, so it is unit-tested.
import type { NodeHistory } from '../../store/node-history.ts';
import type { BackendPoint, HistoryPoint } from '../../store/stats-slice.ts';
import type { ResolvedScope } from '../overview/node-scope.ts';
import { GAP_MS } from './chart-series.ts';

/**
 * Another node's heartbeat counts in a cluster point when it is at most this much older than the
 * point: a node that stops reporting (lost, stopped) drops out of the sum instead of being
 * counted at its last value forever.
 */
export const STALE_POINT_MS = GAP_MS;
/** Heartbeats are about a second apart and not in phase: one stamped up to this much later is the same second. */
const LEAD_MS = 500;

function plus(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : a + b;
}

function addBackend(sum: BackendPoint, b: BackendPoint): void {
  sum.active += b.active;
  sum.newPerSec = plus(sum.newPerSec, b.newPerSec);
  sum.bytesInPerSec = plus(sum.bytesInPerSec, b.bytesInPerSec);
  sum.bytesOutPerSec = plus(sum.bytesOutPerSec, b.bytesOutPerSec);
  if (sum.address === '') sum.address = b.address;
}

/** Several nodes' points summed per service and backend, stamped `time`. */
export function sumPoints(time: number, parts: readonly HistoryPoint[]): HistoryPoint {
  const services: HistoryPoint['services'] = {};
  for (const part of parts) {
    for (const [id, service] of Object.entries(part.services)) {
      const into = (services[Number(id)] ??= { active: 0, backends: {} });
      into.active += service.active;
      for (const [backendId, backend] of Object.entries(service.backends)) {
        const sum = into.backends[Number(backendId)];
        if (sum) addBackend(sum, backend);
        else into.backends[Number(backendId)] = { ...backend };
      }
    }
  }
  return { time, services };
}

/**
 * The whole cluster, one point per heartbeat of the timeline node (this node, else the node with
 * the most points): each other node adds its newest heartbeat that is not from the future
 * (beyond LEAD_MS) nor older than STALE_POINT_MS.
 */
export function clusterPoints(history: NodeHistory, self: string): HistoryPoint[] {
  const names = Object.keys(history);
  const timeline = history[self] ? self : names.reduce<string | null>((best, n) => (best === null || (history[n]?.length ?? 0) > (history[best]?.length ?? 0) ? n : best), null);
  if (timeline === null) return [];
  const others = names.filter((n) => n !== timeline).map((n) => history[n] ?? []);
  const cursors = others.map(() => -1);
  return (history[timeline] ?? []).map((point) => {
    const parts: HistoryPoint[] = [point];
    others.forEach((points, i) => {
      let c = cursors[i] ?? -1;
      while (c + 1 < points.length && (points[c + 1] as HistoryPoint).time <= point.time + LEAD_MS) c++;
      cursors[i] = c;
      const p = points[c];
      if (p && point.time - p.time <= STALE_POINT_MS) parts.push(p);
    });
    return sumPoints(point.time, parts);
  });
}

/** The live charts' points for a resolved scope; `live` is this node's own stream. */
export function scopePoints(scope: ResolvedScope, history: NodeHistory, live: readonly HistoryPoint[], self: string): readonly HistoryPoint[] {
  if (scope.kind === 'self') return live;
  if (scope.kind === 'node') return history[scope.name] ?? [];
  return clusterPoints(history, self);
}
