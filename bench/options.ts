// Command-line options of `pnpm bench`, with the defaults for a real run and for --quick.
import { DEFAULT_TARGETS, TARGET_NAMES, type TargetName } from './targets.ts';
import type { WorkloadName } from './workloads.ts';

/** The built `fulcrum` command, what operators run (README, deploy/). */
export const DEFAULT_FULCRUM_CLI = 'apps/admin/bin/fulcrum.js';

/** Everything a run is parameterised by. */
export interface BenchOptions {
  targets: TargetName[];
  rounds: number;
  quick: boolean;
  n: Record<WorkloadName, number>;
  idleConnections: number;
  memory: boolean;
  /** Run the bulk workload (iperf3) when iperf3 is installed. */
  bulk: boolean;
  /** Seconds of one iperf3 run (-t). */
  bulkSeconds: number;
  workers: number;
  writeDocs: boolean;
  keepTmp: boolean;
  /** Per redis-benchmark run. */
  timeoutMs: number;
  /** Fulcrum entry point, relative to the repo root. */
  fulcrumCli: string;
}

export const USAGE = `Usage: pnpm bench [options]
  --targets a,b,...   targets to run (default: ${DEFAULT_TARGETS.join(',')}; also fulcrum-socket:
                      Fulcrum with --relay socket, the net.Socket relay)
  --rounds N          interleaved rounds (default 3; --quick: 2)
  --quick             tiny smoke run: few requests, 500 idle connections
  --n-plain N         requests for -t get,set (default 300000)
  --n-pipelined N     requests for -P 16 -t get (default 3000000)
  --n-churn N         requests for -k 0 ping_inline (default 20000; ephemeral ports are finite)
  --idle-conns N      idle connections for the memory measurement (default 5000, max 9000)
  --no-memory         skip the memory measurement
  --no-bulk           skip the bulk workload (iperf3 -P 4 through each target)
  --bulk-seconds N    seconds of each iperf3 run (default 5; --quick: 2)
  --workers N         proxy workers/threads: HAProxy nbthread, nginx worker_processes, fulcrum --workers
                      (default 1; results of N > 1 go to bench/results/latest-workers-N.*)
  --write-docs        also rewrite the results section of docs/BENCHMARKS.md (not with --quick)
  --keep-tmp          keep the temp dir (configs, logs) for inspection
  --timeout S         seconds before one redis-benchmark run is killed (default 120)
  --fulcrum-cli PATH  Fulcrum entry point (default apps/admin/bin/fulcrum.js, built first as \`pnpm start\`
                      does, and run as the operator's \`fulcrum\` command; a .ts path runs with node --import tsx)
  --help`;

function positiveInt(flag: string, raw: string | undefined): number {
  const v = Number(raw);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${flag} needs a positive integer, got ${raw ?? 'nothing'}`);
  return v;
}

/** Parses argv (without node and script); throws with a readable message on bad input. */
export function parseOptions(argv: string[]): BenchOptions | 'help' {
  const quick = argv.includes('--quick');
  const o: BenchOptions = {
    targets: [...DEFAULT_TARGETS],
    rounds: quick ? 2 : 3,
    quick,
    n: quick
      ? { plain: 5_000, pipelined: 50_000, churn: 2_000 }
      : { plain: 300_000, pipelined: 3_000_000, churn: 20_000 },
    idleConnections: quick ? 500 : 5_000,
    memory: true,
    bulk: true,
    bulkSeconds: quick ? 2 : 5,
    workers: 1,
    writeDocs: false,
    keepTmp: false,
    timeoutMs: 120_000,
    fulcrumCli: DEFAULT_FULCRUM_CLI,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] ?? '';
    const next = () => argv[++i];
    switch (flag) {
      case '--help': case '-h': return 'help';
      case '--quick': break;
      case '--targets': {
        const names = (next() ?? '').split(',').map((s) => s.trim()).filter(Boolean);
        const bad = names.filter((n) => !(TARGET_NAMES as readonly string[]).includes(n));
        if (names.length === 0 || bad.length > 0) {
          throw new Error(`--targets: unknown ${bad.join(', ') || '(empty)'}; choose from ${TARGET_NAMES.join(', ')}`);
        }
        o.targets = [...new Set(names)] as TargetName[];
        break;
      }
      case '--rounds': o.rounds = positiveInt(flag, next()); break;
      case '--n-plain': o.n.plain = positiveInt(flag, next()); break;
      case '--n-pipelined': o.n.pipelined = positiveInt(flag, next()); break;
      case '--n-churn': o.n.churn = positiveInt(flag, next()); break;
      case '--idle-conns': o.idleConnections = positiveInt(flag, next()); break;
      case '--no-memory': o.memory = false; break;
      case '--workers': o.workers = positiveInt(flag, next()); break;
      case '--write-docs': o.writeDocs = true; break;
      case '--keep-tmp': o.keepTmp = true; break;
      case '--timeout': o.timeoutMs = positiveInt(flag, next()) * 1000; break;
      case '--no-bulk': o.bulk = false; break;
      case '--bulk-seconds': o.bulkSeconds = positiveInt(flag, next()); break;
      case '--fulcrum-cli': o.fulcrumCli = next() ?? o.fulcrumCli; break;
      default: throw new Error(`unknown option ${flag}\n${USAGE}`);
    }
  }
  if (o.workers > 64) throw new Error('--workers above 64 makes no sense on a loopback benchmark');
  if (o.writeDocs && o.quick) throw new Error('--write-docs with --quick would publish smoke numbers; drop one');
  // The harness holds every idle socket itself; the proxy needs two fds per connection.
  if (o.idleConnections > 9_000) throw new Error('--idle-conns above 9000 does not fit the 20 000 open-files limit');
  if (o.n.churn > 25_000) process.stderr.write('[bench] warning: --n-churn above 25000 can exhaust ephemeral ports\n');
  return o;
}
