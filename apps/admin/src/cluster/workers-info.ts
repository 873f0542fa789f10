// The shape of GET /api/workers: which processes serve traffic, on which config version, with
// how many connections. Hidden from the OpenAPI document: it is for operators and tests.
import type { SchedulingPolicy } from './cluster-setup.ts';
import type { WorkerHandle, WorkerState } from './worker-handle.ts';

export interface WorkerInfo {
  id: number;
  pid: number;
  generation: number;
  state: WorkerState;
  /** Config version this worker acknowledged last. */
  configVersion: number;
  /** Open connections and connections made, over all services, as of its latest batch. */
  active: number;
  total: number;
  startedAt: string;
  /** While draining: since when, and until when at most (null: no limit, until its connections end). */
  drainingSince: string | null;
  drainDeadline: string | null;
}

export interface ClusterInfo {
  mode: 'cluster' | 'single';
  /** The primary (or the only) process. */
  pid: number;
  schedulingPolicy: SchedulingPolicy | null;
  reusePort: { usable: boolean; reason: string } | null;
  /** Version of the committed config (cluster mode). */
  configVersion: number | null;
  generation: number | null;
  restarts: number;
  /** --reload-drain-limit in effect (cluster mode; null: off, no limit). */
  reloadDrainLimitMs: number | null;
  workers: WorkerInfo[];
}

export function describeWorkers(input: {
  policy: SchedulingPolicy;
  reusePort: { usable: boolean; reason: string };
  configVersion: number;
  generation: number;
  restarts: number;
  reloadDrainLimitMs: number | undefined;
  workers: readonly WorkerHandle[];
}): ClusterInfo {
  return {
    mode: 'cluster',
    pid: process.pid,
    schedulingPolicy: input.policy,
    reusePort: input.reusePort,
    configVersion: input.configVersion,
    generation: input.generation,
    restarts: input.restarts,
    reloadDrainLimitMs: input.reloadDrainLimitMs ?? null,
    workers: input.workers.map((h) => {
      let active = 0;
      let total = 0;
      for (const s of h.stats?.services ?? []) {
        active += s.active;
        total += s.total;
      }
      return {
        id: h.id,
        pid: h.pid,
        generation: h.generation,
        state: h.state,
        configVersion: h.version,
        active,
        total,
        startedAt: new Date(h.startedAt).toISOString(),
        drainingSince: h.drainingSince === undefined ? null : new Date(h.drainingSince).toISOString(),
        drainDeadline: h.drainDeadline === undefined ? null : new Date(h.drainDeadline).toISOString(),
      };
    }),
  };
}

/** The same answer for the in-process engine: no workers, the admin process serves. */
export function singleProcessInfo(): ClusterInfo {
  return { mode: 'single', pid: process.pid, schedulingPolicy: null, reusePort: null, configVersion: null, generation: null, restarts: 0, reloadDrainLimitMs: null, workers: [] };
}
