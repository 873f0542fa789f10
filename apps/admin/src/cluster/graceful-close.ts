// Graceful stop of a worker's engine: LoadBalancer.close({ drain, timeoutMs }) stops accepting,
// waits for connections to end and closes what is left at its deadline. Meanwhile the counters
// are polled so the worker can keep reporting its draining connections, and the last non-empty
// snapshot is kept (close() empties stats() once it has finished).
import type { EngineStats, LoadBalancer } from '@fulcrum/engine';

const POLL_MS = 50;

/** Closes `engine` with a drain of at most `timeoutMs`; resolves with the last counters seen. */
export async function drainEngine(engine: LoadBalancer, timeoutMs: number, onPoll?: (stats: EngineStats) => void): Promise<{ last: EngineStats }> {
  let last = engine.stats();
  let closed = false;
  const closing = engine.close({ drain: true, timeoutMs }).finally(() => {
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
