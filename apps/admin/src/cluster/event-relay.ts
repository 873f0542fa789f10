// Turns N workers' engine events into the events one in-process engine would emit:
// - backend-state happens inside apply() in every worker: held per config version, emitted once
//   when that version commits, dropped if it is rolled back (as an atomic in-process apply would).
// - backend-drained happens in every worker that held the backend: one event when the last of the
//   workers that were live when the drain started has reported (or exited), closedByTimeout summed.
import type { BackendDrainedEvent, BackendStateEvent, EngineConfig, EngineStats } from '@fulcrum/engine';
import { formatAddress } from '@fulcrum/shared/address';

interface PendingDrain {
  event: Omit<BackendDrainedEvent, 'time' | 'closedByTimeout'>;
  waiting: Set<number>;
  closedByTimeout: number;
  expiresAt: number;
}

/** Extra time a drain record lives past the service's drain timeout before it is dropped. */
const DRAIN_RECORD_SLACK_MS = 60_000;

const drainKey = (serviceId: number, backendId: number, address: string, removed: boolean): string =>
  `${serviceId}|${backendId}|${address}|${removed ? 'removed' : 'draining'}`;

export interface RelayTarget {
  backendState(event: BackendStateEvent): void;
  backendDrained(event: BackendDrainedEvent): void;
}

/** Deduplicates and aggregates per-worker events; see the file comment. */
export class EventRelay {
  readonly #out: RelayTarget;
  /** The version being applied, while an apply waits for acknowledgements. */
  #pending: number | undefined;
  #states = new Map<string, BackendStateEvent>();
  /** Drain events that arrived while an apply was in flight (its records do not exist yet). */
  #heldDrains: { workerId: number; event: BackendDrainedEvent }[] = [];
  readonly #drains = new Map<string, PendingDrain>();

  constructor(out: RelayTarget) {
    this.#out = out;
  }

  /** An apply of `version` starts; its backend-state events are held until commit or abort. */
  begin(version: number): void {
    this.#pending = version;
    this.#states.clear();
  }

  backendState(event: BackendStateEvent, version: number): void {
    // Outside an apply in flight only rollbacks produce these: they undo nothing visible.
    if (version !== this.#pending) return;
    const key = `${event.serviceId}|${event.backendId}|${event.from}|${event.to}`;
    if (!this.#states.has(key)) this.#states.set(key, event);
  }

  backendDrained(workerId: number, event: BackendDrainedEvent): void {
    if (this.#pending !== undefined) {
      this.#heldDrains.push({ workerId, event });
      return;
    }
    this.#countDrain(workerId, event);
  }

  /**
   * `version` is live everywhere: emit its state changes once, and start waiting for the drains
   * it began — from every live worker for backends set to draining or removed, and, for a removed
   * service, from the workers whose latest counters showed connections to the backend.
   */
  commit(previous: EngineConfig, next: EngineConfig, live: ReadonlyMap<number, EngineStats | undefined>): void {
    this.#pending = undefined;
    for (const event of this.#states.values()) this.#out.backendState(event);
    this.#states.clear();
    const now = Date.now();
    const nextServices = new Map(next.services.map((s) => [s.id, s]));
    for (const ps of previous.services) {
      const ns = nextServices.get(ps.id);
      const timeout = (ns ?? ps).drainTimeoutMs;
      // drainTimeoutMs 0 = no limit: the drain ends when the last connection does.
      const expiresAt = timeout === 0 ? Number.POSITIVE_INFINITY : now + timeout + DRAIN_RECORD_SLACK_MS;
      const serviceName = (ns ?? ps).name;
      for (const pb of ps.backends) {
        const address = formatAddress(pb.host, pb.port);
        const nb = ns?.backends.find((b) => b.id === pb.id);
        const moved = nb !== undefined && (nb.host !== pb.host || nb.port !== pb.port);
        if (ns === undefined) {
          const holders = [...live].filter(([, stats]) => activeOn(stats, ps.id, pb.id, address) > 0).map(([id]) => id);
          this.#start({ serviceId: ps.id, serviceName, backendId: pb.id, address, removed: true }, holders, expiresAt);
        } else if (nb === undefined || moved) {
          this.#drains.delete(drainKey(ps.id, pb.id, address, false));
          this.#start({ serviceId: ps.id, serviceName, backendId: pb.id, address, removed: true }, [...live.keys()], expiresAt);
        } else if (nb.state === 'draining' && pb.state !== 'draining') {
          this.#start({ serviceId: ps.id, serviceName, backendId: pb.id, address, removed: false }, [...live.keys()], expiresAt);
        } else if (nb.state !== 'draining' && pb.state === 'draining') {
          this.#drains.delete(drainKey(ps.id, pb.id, address, false));
        }
      }
    }
    this.#releaseHeld();
  }

  /** The apply in flight was rolled back: its state changes never happened. */
  abort(): void {
    this.#pending = undefined;
    this.#states.clear();
    this.#releaseHeld();
  }

  /** A worker exited: it holds no connections any more, so it drained everything it held. */
  workerGone(workerId: number): void {
    for (const [key, drain] of this.#drains) {
      if (drain.waiting.delete(workerId)) this.#maybeDone(key, drain);
    }
  }

  #start(event: PendingDrain['event'], waiting: number[], expiresAt: number): void {
    if (waiting.length === 0) return;
    const key = drainKey(event.serviceId, event.backendId, event.address, event.removed);
    this.#drains.set(key, { event, waiting: new Set(waiting), closedByTimeout: 0, expiresAt });
  }

  #releaseHeld(): void {
    const held = this.#heldDrains;
    this.#heldDrains = [];
    for (const { workerId, event } of held) this.#countDrain(workerId, event);
  }

  #countDrain(workerId: number, event: BackendDrainedEvent): void {
    const now = Date.now();
    for (const [key, drain] of this.#drains) if (drain.expiresAt < now) this.#drains.delete(key);
    const key = drainKey(event.serviceId, event.backendId, event.address, event.removed);
    const drain = this.#drains.get(key);
    if (drain === undefined || !drain.waiting.delete(workerId)) return;
    drain.closedByTimeout += event.closedByTimeout;
    this.#maybeDone(key, drain);
  }

  #maybeDone(key: string, drain: PendingDrain): void {
    if (drain.waiting.size > 0) return;
    this.#drains.delete(key);
    this.#out.backendDrained({ time: Date.now(), ...drain.event, closedByTimeout: drain.closedByTimeout });
  }
}

function activeOn(stats: EngineStats | undefined, serviceId: number, backendId: number, address: string): number {
  const s = stats?.services.find((x) => x.id === serviceId);
  return s?.backends.find((b) => b.id === backendId && b.address === address)?.active ?? 0;
}
