// Runs ping-client.ts in the client namespace and turns its attempts into failover figures.
import { fileURLToPath } from 'node:url';
import { spawnIn, type NsProcess } from './ns-process.ts';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const SCRIPT = fileURLToPath(new URL('ping-client.ts', import.meta.url));

/** One connection attempt: wall-clock start and end (ms), and whether PING got +PONG. */
export interface Attempt {
  s: number;
  e: number;
  ok: boolean;
  err?: string;
}

/** An attempt slower than this counts as part of the gap, not as service as usual. */
export const SLOW_MS = 250;

/** What one failover cost the client, measured from the moment of the fault (t0). */
export interface FailoverFigures {
  /** From t0 until the first attempt after which every attempt succeeded quickly had its answer. */
  recoveredMs: number;
  /** From t0 until every attempt of the gap had its answer (a slow one may end after recoveredMs). */
  settledMs: number;
  /** Attempts in the gap (still open at t0 or started later) that failed. */
  failed: number;
  /** Attempts started in the gap that succeeded, but slower than SLOW_MS (a SYN retransmitted). */
  slow: number;
  /** The errors seen in the gap, with counts. */
  errors: Record<string, number>;
  /** Attempts finished before t0 (all should succeed) and their failures. */
  before: number;
  failedBefore: number;
}

/** The bounded client loop: new connection + PING every 20 ms until stopped or `maxMs`. */
export class ClientLoop {
  readonly #proc: NsProcess;
  readonly #attempts: Attempt[] = [];
  #buffer = '';

  constructor(ns: string, host: string, port: number, maxMs: number) {
    this.#proc = spawnIn(ns, 'ping client', process.execPath, ['--import', 'tsx', SCRIPT, host, String(port), String(maxMs)], { cwd: REPO });
    this.#proc.child.stdout!.on('data', (chunk: Buffer) => {
      this.#buffer += chunk.toString('utf8');
      const lines = this.#buffer.split('\n');
      this.#buffer = lines.pop()!;
      for (const line of lines) if (line.startsWith('{')) this.#attempts.push(JSON.parse(line) as Attempt);
    });
  }

  /** Attempts finished so far, in the order they finished. */
  get attempts(): readonly Attempt[] {
    return this.#attempts;
  }

  /** Resolves once `check()` holds, polling every 20 ms; fails after `timeoutMs` or if the client died. */
  async until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (this.#proc.exited()) throw new Error(`the ping client exited while waiting for ${what}:\n${this.#proc.output().slice(-2000)}`);
      if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms; last attempts: ${JSON.stringify(this.#attempts.slice(-5))}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** True once the last `n` attempts started after `t0` all succeeded quickly. */
  steadyAfter(t0: number, n: number): boolean {
    const after = this.#attempts.filter((a) => a.s >= t0).sort((x, y) => x.s - y.s);
    return after.length >= n && after.slice(-n).every(good);
  }

  /** Ends the loop (closes its stdin) and waits for the attempts in flight. */
  async stop(): Promise<void> {
    this.#proc.child.stdin!.end();
    await this.#proc.stop('SIGTERM', 5_000);
  }

  /** Kills the client at once (teardown). */
  async kill(): Promise<void> {
    await this.#proc.stop('SIGKILL', 0);
  }
}

const good = (a: Attempt) => a.ok && a.e - a.s <= SLOW_MS;

/** The figures of a fault at `t0`, from every attempt of the loop. */
export function failoverFigures(attempts: readonly Attempt[], t0: number): FailoverFigures {
  // An attempt still open at t0 is the fault's business too.
  const before = attempts.filter((a) => a.e < t0);
  const after = attempts.filter((a) => a.e >= t0).sort((x, y) => x.s - y.s);
  let firstSteady = after.length;
  while (firstSteady > 0 && good(after[firstSteady - 1]!)) firstSteady--;
  const gap = after.slice(0, firstSteady);
  const recovery = after[firstSteady];
  const errors: Record<string, number> = {};
  for (const a of gap) if (!a.ok) errors[a.err ?? 'unknown'] = (errors[a.err ?? 'unknown'] ?? 0) + 1;
  return {
    recoveredMs: recovery ? Math.max(0, recovery.e - t0) : Number.NaN,
    settledMs: Math.max(recovery ? recovery.e : t0, ...gap.map((a) => a.e)) - t0,
    failed: gap.filter((a) => !a.ok).length,
    slow: gap.filter((a) => a.ok && a.e - a.s > SLOW_MS).length,
    errors,
    before: before.length,
    failedBefore: before.filter((a) => !a.ok).length,
  };
}

/** One line per attempt around t0 (`start..end result`, relative ms), for tuning by eye. */
export function traceAround(attempts: readonly Attempt[], t0: number, untilMs = 3_000): string {
  return attempts
    .filter((a) => a.e >= t0 - 100 && a.s < t0 + untilMs)
    .sort((x, y) => x.s - y.s)
    .map((a) => `${a.s - t0}..${a.e - t0} ${a.ok ? 'ok' : a.err}`)
    .join('\n');
}
