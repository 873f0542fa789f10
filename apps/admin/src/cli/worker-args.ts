// --workers and --shutdown-timeout: parsing (pure, like cli-args.ts) and resolving `auto`.
import os from 'node:os';

/** Most workers accepted (each is a whole Node process). */
export const MAX_WORKERS = 256;

/** `--workers N|auto` or FULCRUM_WORKERS; undefined when neither is set. Throws a message. */
export function parseWorkers(value: string | undefined, what: string): number | 'auto' | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (v === 'auto') return 'auto';
  const n = /^\d{1,4}$/.test(v) ? Number(v) : Number.NaN;
  if (!(n >= 1 && n <= MAX_WORKERS)) throw new Error(`${what} "${value}": a number of workers from 1 to ${MAX_WORKERS}, or auto`);
  return n;
}

/** `auto` → one worker per core this process may use; absent → 1 (in-process engine). */
export function resolveWorkers(workers: number | 'auto' | undefined, cores: number = os.availableParallelism()): number {
  if (workers === undefined) return 1;
  return workers === 'auto' ? Math.max(1, Math.min(cores, MAX_WORKERS)) : workers;
}
