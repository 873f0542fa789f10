// Command-line parsing for `pnpm demo`. Pure: no I/O.
import { parseArgs } from 'node:util';
import { parseAddress } from '../packages/shared/src/address.ts';
import type { HostPort } from '../packages/shared/src/address.ts';

/** A usage mistake: printed as one line `demo: <message>`, exit code 2. */
export class DemoUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DemoUsageError';
  }
}

export type BackendKind = 'auto' | 'redis' | 'builtin';
export type DemoStrategy = 'least-connections' | 'round-robin';

export interface DemoOptions {
  help: boolean;
  admin: HostPort;
  listen: HostPort;
  durationMs: number;
  clients: number;
  backends: BackendKind;
  strategy: DemoStrategy;
}

export const DEMO_USAGE = `Usage: pnpm demo [-- options]

Starts three demo Redis backends, Fulcrum in front of them, and a small client load, so the
admin console shows load balancing at once. Everything listens on loopback only.

Options:
  --admin HOST:PORT     admin console (default 127.0.0.1:8080)
  --listen HOST:PORT    the balanced service "demo" (default 127.0.0.1:6380)
  --duration TIME       stop by itself after TIME: 90s, 30m, 2h (default 30m, at most 24h)
  --clients N           simulated clients, 1-100 (default 12)
  --backends KIND       auto (redis-server if installed), redis or builtin (default auto)
  --strategy NAME       least-connections or round-robin (default least-connections)
  -h, --help            show this help
`;

const OPTIONS = {
  admin: { type: 'string' },
  listen: { type: 'string' },
  duration: { type: 'string' },
  clients: { type: 'string' },
  backends: { type: 'string' },
  strategy: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const MAX_DURATION_MS = 24 * 3_600_000;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `20s`, `30m`, `1.5h`, `500ms`; a bare number is seconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new DemoUsageError(`--duration "${text}": write it like 90s, 30m or 2h`);
  const ms = Math.round(Number(match[1]) * UNIT_MS[match[2] ?? 's']!);
  if (ms < 1000 || ms > MAX_DURATION_MS) throw new DemoUsageError(`--duration "${text}": must be between 1s and 24h`);
  return ms;
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost)$/;

function loopbackAddress(value: string, flag: string): HostPort {
  const parsed = parseAddress(value);
  if (!parsed.ok) throw new DemoUsageError(`${flag} "${value}": ${parsed.reason}`);
  // The demo generates load: it must never point at anything but this machine.
  if (!LOOPBACK.test(parsed.value.host)) throw new DemoUsageError(`${flag} "${value}": the demo runs on loopback only (127.0.0.1, ::1, localhost)`);
  return parsed.value;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw new DemoUsageError(`${flag} "${value}": one of ${allowed.join(', ')}`);
  return value as T;
}

/** Parses argv (without node and script). Throws DemoUsageError. */
export function parseDemoArgs(argv: readonly string[]): DemoOptions {
  // `pnpm demo -- --admin …` passes the `--` through.
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  let values;
  try {
    ({ values } = parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new DemoUsageError(`${(err as Error).message.split('\n')[0]} (see --help)`);
  }
  const clients = Number(values.clients ?? '12');
  if (!Number.isInteger(clients) || clients < 1 || clients > 100) throw new DemoUsageError(`--clients "${values.clients}": a whole number from 1 to 100`);
  return {
    help: values.help === true,
    admin: loopbackAddress(values.admin ?? '127.0.0.1:8080', '--admin'),
    listen: loopbackAddress(values.listen ?? '127.0.0.1:6380', '--listen'),
    durationMs: parseDuration(values.duration ?? '30m'),
    clients,
    backends: oneOf(values.backends ?? 'auto', ['auto', 'redis', 'builtin'] as const, '--backends'),
    strategy: oneOf(values.strategy ?? 'least-connections', ['least-connections', 'round-robin'] as const, '--strategy'),
  };
}
