// Graceful stop of a worker's engine: LoadBalancer.close({ drain, timeoutMs, graceful }) stops
// accepting, waits for connections to end and, at its deadline, ends what is left with FIN both
// ways (replies in flight delivered, never a reset unless a peer holds on past a short grace); a
// later close() with a sooner deadline (shutdown during a reload's drain) moves it. Meanwhile the counters
// are polled so the worker can keep reporting its draining connections, and the last non-empty
// snapshot is kept (close() empties stats() once it has finished).
import type { EngineStats, LoadBalancer } from '@fulcrum/engine';

const POLL_MS = 50;

/** Closes `engine` with a drain of at most `timeoutMs` (Infinity: none); resolves with the last counters seen. */
export async function drainEngine(engine: LoadBalancer, timeoutMs: number, onPoll?: (stats: EngineStats) => void): Promise<{ last: EngineStats }> {
  let last = engine.stats();
  let closed = false;
  const closing = engine.close({ drain: true, timeoutMs, graceful: true }).finally(() => {
    closed = true;
  });
  while (!closed) {
    const now = engine.stats();
    if (now.services.length > 0) last = now;
    onPoll?.(now);
    await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, POLL_MS))]);
  }
  return { last };
}
