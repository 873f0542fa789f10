// Which data plane the admin runs: the in-process LoadBalancer (workers = 1, the default) or
// engines in worker processes behind ClusterEngine (workers ≥ 2). Both stop the same way:
// stop accepting, let established connections finish for at most the shutdown timeout, then
// close what is left with FIN both ways (the engine's graceful close), never with a reset.
import { createLoadBalancer } from '@fulcrum/engine';
import { ClusterEngine } from '../cluster/cluster-engine.ts';
import type { DataPlane } from './data-plane.ts';
import { inheritedListenerLookup } from '../handover/handover-protocol.ts';
import type { InheritedSocket } from '../handover/handover-protocol.ts';
import type { RelayMode } from '@fulcrum/shared/enums';

export interface DataPlaneOptions {
  workers?: number;
  /** How long the previous workers drain after a reload; undefined = no limit. */
  reloadDrainLimitMs?: number | undefined;
  warn?: (line: string) => void;
  /** Worker processes write the access log (in-process, server.ts subscribes itself). */
  accessLog?: boolean;
  /** Listening sockets inherited from a predecessor process (docs/UPGRADE.md). */
  inherited?: readonly InheritedSocket[];
  /** --relay: which relay moves the bytes, in this process or in every worker (default auto). */
  relay?: RelayMode;
}

/** Starts the data plane (forking and waiting for workers in cluster mode). */
export async function createDataPlane(opts: DataPlaneOptions): Promise<DataPlane> {
  const workers = opts.workers ?? 1;
  if (workers <= 1) return createLoadBalancer({ inheritedListener: inheritedListenerLookup(opts.inherited), relay: opts.relay ?? 'auto' });
  return ClusterEngine.start({
    workers,
    reloadDrainLimitMs: opts.reloadDrainLimitMs,
    warn: opts.warn,
    accessLog: opts.accessLog,
    inherited: opts.inherited,
    relay: opts.relay ?? 'auto',
  });
}

/** Graceful stop: stop accepting, let connections finish for up to `timeoutMs`, end the rest with FIN. */
export async function stopDataPlane(engine: DataPlane, timeoutMs: number): Promise<void> {
  await engine.close({ drain: true, timeoutMs, graceful: true });
}

/** The cluster behind a data plane, if it is one. */
export function clusterOf(engine: DataPlane): ClusterEngine | undefined {
  return engine instanceof ClusterEngine ? engine : undefined;
}

/** Kills worker processes at once (second signal); nothing to do in-process. */
export function terminateDataPlane(engine: DataPlane): void {
  clusterOf(engine)?.terminate();
}
