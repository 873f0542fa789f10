// Live stats: the latest sample (tables), per-sample rates (bytes/s, new connections/s), and a
// bounded 1-second history for the charts, downsampled from the 500 ms stream.
import type { StatsDto } from '@fulcrum/shared/api';
import type { NodeServiceStatsDto, NodeStatsDto } from '@fulcrum/shared/cluster';
import { RingBuffer } from '../lib/ring-buffer.ts';

/** Per-second rates between two samples; null when unknown (first sample, counter reset). */
export interface Rates {
  newPerSec: number | null;
  bytesInPerSec: number | null;
  bytesOutPerSec: number | null;
}

export interface ServiceRates extends Rates {
  backends: Record<number, Rates>;
}

export type RatesByService = Record<number, ServiceRates>;

/** One backend in one chart point. */
export interface BackendPoint extends Rates {
  active: number;
  /**
   * The address stats reported. Kept per point so a chart can still name a backend after it
   * was removed and left the stats, for as long as it is in the history window.
   */
  address: string;
}

/** One chart point: one second of one sample stream, every service. */
export interface HistoryPoint {
  time: number;
  services: Record<number, { active: number; backends: Record<number, BackendPoint> }>;
}

/** 5 minutes at one point per second. */
export const HISTORY_CAPACITY = 300;
/** Points closer than this are merged: the admin pushes every ~500 ms with some jitter. */
export const POINT_INTERVAL_MS = 900;
/** A gap longer than this (disconnect) makes rates across it meaningless. */
export const MAX_RATE_GAP_MS = 5000;
/**
 * Table and header rates span ~2 s of samples: over a single 500 ms interval, a handful of new
 * connections per second reads as 0, 2, 0, 4…
 */
export const RATE_WINDOW_MS = 2000;

export interface StatsSlice {
  latest: StatsDto | null;
  /** Rates over the last ~RATE_WINDOW_MS of samples, for the tables and header. */
  rates: RatesByService;
  /** The samples inside the rate window, oldest first (a handful). */
  recent: StatsDto[];
  /** Chart history; mutated in place, so subscribers watch `historyVersion`. */
  history: RingBuffer<HistoryPoint>;
  historyVersion: number;
  /** The raw sample the newest history point was computed from. */
  lastPointSample: StatsDto | null;
}

export function createStatsSlice(): StatsSlice {
  return { latest: null, rates: {}, recent: [], history: new RingBuffer(HISTORY_CAPACITY), historyVersion: 0, lastPointSample: null };
}

/** (next - prev) / seconds, or null for a first sample, a non-positive interval or a counter reset. */
export function ratePerSec(prev: number | undefined, next: number, dtMs: number): number | null {
  if (prev === undefined || !(dtMs > 0)) return null;
  const delta = next - prev;
  if (delta < 0) return null;
  return (delta * 1000) / dtMs;
}

function counterRates(prev: { total: number; bytesIn: number; bytesOut: number } | undefined, next: { total: number; bytesIn: number; bytesOut: number }, dtMs: number): Rates {
  return {
    newPerSec: ratePerSec(prev?.total, next.total, dtMs),
    bytesInPerSec: ratePerSec(prev?.bytesIn, next.bytesIn, dtMs),
    bytesOutPerSec: ratePerSec(prev?.bytesOut, next.bytesOut, dtMs),
  };
}

/**
 * Rates for every service and backend in `next`, against `prev` (matched by id). Works on live
 * samples and on the trimmed ones nodes send with their heartbeats alike.
 */
export function computeRates(prev: NodeStatsDto | null, next: NodeStatsDto): RatesByService {
  const dt = prev ? next.time - prev.time : 0;
  const gapTooLong = dt > MAX_RATE_GAP_MS;
  const prevServices = new Map<number, NodeServiceStatsDto>((prev?.services ?? []).map((s) => [s.id, s]));
  const out: RatesByService = {};
  for (const service of next.services) {
    const before = gapTooLong ? undefined : prevServices.get(service.id);
    const beforeBackends = new Map((before?.backends ?? []).map((b) => [b.id, b]));
    const backends: Record<number, Rates> = {};
    for (const backend of service.backends) backends[backend.id] = counterRates(beforeBackends.get(backend.id), backend, dt);
    out[service.id] = { ...counterRates(before, service, dt), backends };
  }
  return out;
}

/**
 * One chart point from a sample and its rates: a live sample (StatsDto) or a node's heartbeat
 * (trimmed: its backends carry no address, so the point's is '' and the chart names them from
 * the configuration).
 */
export function historyPoint(sample: NodeStatsDto, rates: RatesByService): HistoryPoint {
  const services: HistoryPoint['services'] = {};
  for (const service of sample.services) {
    const backends: Record<number, BackendPoint> = {};
    for (const backend of service.backends) {
      const r = rates[service.id]?.backends[backend.id];
      backends[backend.id] = {
        active: backend.active,
        address: 'address' in backend && typeof backend.address === 'string' ? backend.address : '',
        newPerSec: r?.newPerSec ?? null,
        bytesInPerSec: r?.bytesInPerSec ?? null,
        bytesOutPerSec: r?.bytesOutPerSec ?? null,
      };
    }
    services[service.id] = { active: service.active, backends };
  }
  return { time: sample.time, services };
}

/**
 * Folds one sample into the slice. Table rates span the oldest sample still inside the rate
 * window (or the previous sample, if that is all there is); a history point is added at most
 * once per ~second, with rates over the time since the previous point. Stale or duplicate
 * samples (not newer than the latest) are ignored.
 */
export function ingestStats(state: StatsSlice, sample: StatsDto): Partial<StatsSlice> {
  if (state.latest && sample.time <= state.latest.time) return {};
  const recent = [...state.recent, sample].filter((s) => sample.time - s.time <= RATE_WINDOW_MS);
  const base = recent.length > 1 ? (recent[0] as StatsDto) : state.latest;
  const rates = computeRates(base, sample);
  const patch: Partial<StatsSlice> = { latest: sample, rates, recent };
  const last = state.lastPointSample;
  if (!last || sample.time - last.time >= POINT_INTERVAL_MS) {
    state.history.push(historyPoint(sample, computeRates(last, sample)));
    patch.historyVersion = state.historyVersion + 1;
    patch.lastPointSample = sample;
  }
  return patch;
}
