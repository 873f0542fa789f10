// How worker processes are started: entry point, Node flags (from the TypeScript source, tsx must
// be loaded; the build runs as plain JavaScript), and how connections reach them (docs/WORKERS.md,
// "Accepting").
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** True when this module is the TypeScript source (tsx, vitest), false in the build (`pnpm build`). */
export const FROM_SOURCE = import.meta.url.endsWith('.ts');

/** The worker entry point: worker-main.ts from source (needs tsx), worker-main.js in the build. */
export const WORKER_ENTRY = fileURLToPath(new URL(FROM_SOURCE ? './worker-main.ts' : './worker-main.js', import.meta.url));

/**
 * Node flags for workers: the primary's own, minus watch mode (the watcher is the primary's
 * parent, not us); from source, plus `--import tsx` when the primary loaded tsx some other way
 * (through its API, which a forked process does not inherit). The build needs no loader.
 */
export function workerExecArgv(execArgv: readonly string[] = process.execArgv, fromSource = FROM_SOURCE): string[] {
  const args: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i] as string;
    if (arg === '--watch' || arg.startsWith('--watch=') || arg.startsWith('--watch-path') || arg === '--watch-preserve-output') {
      if (arg === '--watch-path') i++;
      continue;
    }
    args.push(arg);
  }
  if (!fromSource) return args;
  // `--import tsx`, `--import=tsx`, or a resolved path inside node_modules/tsx/.
  const hasTsx = args.some((arg) => /(^|[=/\\])tsx([/\\]|$)/.test(arg));
  return hasTsx ? args : [...args, '--import', import.meta.resolve('tsx')];
}

/** How accepted connections reach workers. */
export type SchedulingPolicy = 'rr' | 'none';

/** The policy when NODE_CLUSTER_SCHED_POLICY does not choose one (see docs/WORKERS.md). */
export const DEFAULT_SCHEDULING: SchedulingPolicy = 'none';

/**
 * Points the cluster module at the worker entry. NODE_CLUSTER_SCHED_POLICY (Node's own variable,
 * `rr` or `none`) wins over our default. Must run before the first fork.
 */
export function setupCluster(): SchedulingPolicy {
  const fromEnv = process.env.NODE_CLUSTER_SCHED_POLICY;
  if (fromEnv !== 'rr' && fromEnv !== 'none') {
    cluster.schedulingPolicy = DEFAULT_SCHEDULING === 'rr' ? cluster.SCHED_RR : cluster.SCHED_NONE;
  }
  cluster.setupPrimary({ exec: WORKER_ENTRY, execArgv: workerExecArgv(), args: [] });
  return cluster.schedulingPolicy === cluster.SCHED_RR ? 'rr' : 'none';
}

/** Whether this Node's net.Server.listen() knows `reusePort` (22.12+ on 22.x, 23.1+). */
export function nodeHasReusePort(version: string = process.versions.node): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 23 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12);
}

/**
 * Whether workers could each bind their own SO_REUSEPORT socket (kernel-balanced, no primary hop).
 * Besides Node support this needs net.ipv4.tcp_migrate_req=1, without which closing an old worker's socket during a reload
 * resets the connections waiting in its accept queue.
 */
export function reusePortStatus(): { usable: boolean; reason: string } {
  if (!nodeHasReusePort()) return { usable: false, reason: `Node ${process.versions.node} has no reusePort (needs 22.12+ or 23.1+)` };
  let migrate = '0';
  try {
    migrate = readFileSync('/proc/sys/net/ipv4/tcp_migrate_req', 'utf8').trim();
  } catch {
    // Not Linux, or a kernel older than 5.14.
  }
  if (migrate !== '1') return { usable: false, reason: 'net.ipv4.tcp_migrate_req is not 1: closing a reuseport socket on reload would reset queued connections' };
  return { usable: true, reason: 'Node has reusePort and net.ipv4.tcp_migrate_req is 1: each worker binds its own socket' };
}
