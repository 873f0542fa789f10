// Graceful stop of one engine with a hard deadline. LoadBalancer.close() stops accepting at once
// but then awaits each listener's 'close' event, which Node emits only after every accepted
// client socket has ended, so its own drain timeout never fires while a client stays connected.
// We therefore watch the counters ourselves and give up waiting at the deadline; the caller then
// exits the process, which closes whatever is left (the same close(2) destroy() would do).
import type { EngineStats, LoadBalancer } from '@fulcrum/engine';

/** Connections still open (accepted, connecting, queued or established) over all services. */
export function openConnections(stats: EngineStats): number {
  let n = 0;
  for (const s of stats.services) n += s.active;
  return n;
}

export interface DrainResult {
  /** 'drained': every connection ended by itself; 'timeout': some were still open at the deadline. */
  outcome: 'drained' | 'timeout';
  /** The last non-empty counters seen (close() empties stats() once it finishes). */
  last: EngineStats;
}

const POLL_MS = 50;
/** After the connections are gone, how long close() gets to finish its own bookkeeping. */
const SETTLE_MS = 500;

/**
 * Stops accepting now, waits until every connection has ended or `timeoutMs` passed, and
 * resolves. `onPoll` sees the counters while draining (workers keep reporting them).
 */
export async function drainEngine(engine: LoadBalancer, timeoutMs: number, onPoll?: (stats: EngineStats) => void): Promise<DrainResult> {
  let last = engine.stats();
  let closed = false;
  const closing = engine.close({ drain: true, timeoutMs }).then(
    () => {
      closed = true;
    },
    () => {
      closed = true;
    },
  );
  const deadline = Date.now() + timeoutMs;
  let outcome: DrainResult['outcome'] = 'timeout';
  while (Date.now() < deadline) {
    if (!closed) {
      const now = engine.stats();
      if (now.services.length > 0) last = now;
      onPoll?.(now);
    }
    if (closed || openConnections(last) === 0) {
      outcome = 'drained';
      break;
    }
    await sleep(POLL_MS);
  }
  if (outcome === 'drained') await Promise.race([closing, sleep(SETTLE_MS)]);
  return { outcome, last };
}

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });
