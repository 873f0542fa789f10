// An HA pair built from real hosts: network namespaces node-a, node-b (Fulcrum + keepalived from
// deploy/), backend (redis-server, and PostgreSQL for the shared store) and client, on one
// bridge. Every process is started by and stopped by PID; close() removes everything, in any
// state the test left it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StatsDto } from '@fulcrum/shared/api';
import { installCheckScript, startKeepalived, type Keepalived } from './keepalived.ts';
import { NetnsLab, type LabHost } from './netns-lab.ts';
import { runIn, spawnIn, type NsProcess } from './ns-process.ts';
import { startPostgresInNamespace, type NamespacePostgres } from './postgres-in-namespace.ts';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
export const TOKEN = 'ha-test-token-0123456789abcdef';
export const SERVICE_PORT = 6380;
const ADMIN_PORT = 8080;
const REDIS_PORT = 6379;

/** One balancer node: its host, its keepalived priority, and what runs on it right now. */
export interface HaNode {
  readonly name: 'node-a' | 'node-b';
  readonly host: LabHost;
  readonly priority: number;
  readonly adminUrl: string;
  readonly dataDir: string;
  fulcrum: NsProcess | null;
  keepalived: Keepalived | null;
}

/**
 * The `fulcrum` arguments of a node: the ONE place that says how a node is started.
 *
 * Both nodes share one configuration through the PostgreSQL in the `backend` namespace
 * (`--store`), each with its own local copy in its data directory. Both get the same first-run
 * flags; whichever commits first creates the service for the cluster and the other finds it
 * there (the check runs inside the shared store's lock). The service listens on the VIP itself:
 * each node namespace has net.ipv4.ip_nonlocal_bind=1 (as deploy/README.md asks of real nodes),
 * so both nodes can bind VIP:6380 while only the keepalived master holds the address — the
 * standby serves nothing, and nothing else on the node is exposed on 6380.
 */
export function nodeArgs(pair: HaPair, node: HaNode): string[] {
  return [
    '--admin', `${node.host.address}:${ADMIN_PORT}`,
    '--data', node.dataDir,
    '--store', pair.postgres!.url,
    '--node-name', node.name,
    '--listen', `${pair.vip}:${SERVICE_PORT}`,
    '--backend', `${pair.lab.host('backend').address}:${REDIS_PORT}`,
    '--shutdown-timeout', '2000',
    // As deploy/systemd/fulcrum.service: a planned stop lets keepalived move the VIP first.
    '--stop-grace', '1500',
  ];
}

/** Two balancer nodes, a backend and a client in namespaces; nodes start and stop on demand. */
export class HaPair {
  readonly lab: NetnsLab;
  readonly dir: string;
  /** The virtual IP (no prefix length). */
  readonly vip: string;
  readonly routerId = 1 + Math.floor(Math.random() * 255);
  readonly nodes: readonly [HaNode, HaNode];
  readonly #checkScript: string;
  readonly #others: NsProcess[] = [];
  postgres: NamespacePostgres | null = null;

  private constructor(lab: NetnsLab, dir: string, checkScript: string) {
    this.lab = lab;
    this.dir = dir;
    this.vip = lab.address(100);
    this.#checkScript = checkScript;
    const node = (name: HaNode['name'], priority: number): HaNode => {
      const host = lab.host(name);
      return { name, host, priority, adminUrl: `http://${host.address}:${ADMIN_PORT}`, dataDir: join(dir, `${name}-data`), fulcrum: null, keepalived: null };
    };
    this.nodes = [node('node-a', 250), node('node-b', 240)];
  }

  /** Namespaces, redis-server and PostgreSQL in `backend`; no node runs yet. */
  static async create(): Promise<HaPair> {
    requireCommands(['keepalived', 'curl', 'redis-server', 'setpriv']);
    const lab = NetnsLab.create({ backend: 5, 'node-a': 11, 'node-b': 12, client: 20 });
    const dir = mkdtempSync(join(tmpdir(), 'fulcrum-ha-'));
    let pair: HaPair;
    try {
      pair = new HaPair(lab, dir, installCheckScript(dir));
    } catch (error) {
      lab.destroy();
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    try {
      const backend = lab.host('backend');
      const redis = spawnIn(backend.ns, 'redis-server', 'redis-server', ['--bind', backend.address, '--port', String(REDIS_PORT), '--save', '', '--appendonly', 'no', '--protected-mode', 'no', '--dir', pair.dir]);
      pair.#others.push(redis);
      pair.postgres = await startPostgresInNamespace(backend.ns, backend.address, `${lab.prefix}.0/24`);
      await redis.waitFor(/Ready to accept connections/, 15_000);
      for (const node of pair.nodes) runIn(node.host.ns, 'sh', ['-c', 'echo 1 > /proc/sys/net/ipv4/ip_nonlocal_bind']);
    } catch (error) {
      await pair.close();
      throw error;
    }
    return pair;
  }

  get client(): LabHost {
    return this.lab.host('client');
  }

  node(name: HaNode['name']): HaNode {
    return this.nodes.find((n) => n.name === name)!;
  }

  other(node: HaNode): HaNode {
    return this.nodes.find((n) => n !== node)!;
  }

  /** Starts `fulcrum` in the node's namespace; resolves once its admin answers. */
  async startFulcrum(node: HaNode): Promise<void> {
    if (node.fulcrum && !node.fulcrum.exited()) throw new Error(`fulcrum already runs on ${node.name}`);
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('FULCRUM_')));
    const args = ['--import', 'tsx', 'apps/admin/src/cli.ts', ...nodeArgs(this, node)];
    node.fulcrum = spawnIn(node.host.ns, `fulcrum ${node.name}`, process.execPath, args, { cwd: REPO, env: { ...env, FULCRUM_ADMIN_TOKEN: TOKEN } });
    await node.fulcrum.waitFor(/dashboard http:\/\//, 30_000);
  }

  /** Starts keepalived with deploy/keepalived/keepalived.conf for this node. */
  startKeepalived(node: HaNode): Keepalived {
    if (node.keepalived && !node.keepalived.process.exited()) throw new Error(`keepalived already runs on ${node.name}`);
    node.keepalived = startKeepalived(node.host.ns, this.dir, {
      NODE_NAME: node.name,
      INTERFACE: 'eth0',
      VIP: `${this.vip}/24`,
      ROUTER_ID: this.routerId,
      PRIORITY: node.priority,
      CHECK_SCRIPT: this.#checkScript,
      ADMIN_URL: node.adminUrl,
    });
    return node.keepalived;
  }

  /** The nodes whose eth0 carries the VIP (read one after the other: not atomic during a move). */
  holders(): HaNode[] {
    return this.nodes.filter((n) => this.lab.hasAddress(n.name, this.vip));
  }

  /** The one node holding the VIP, or null when none or both seem to. */
  holder(): HaNode | null {
    const holders = this.holders();
    return holders.length === 1 ? holders[0]! : null;
  }

  /** A request to a node's API from inside its namespace; the parsed JSON answer. */
  api<T>(node: HaNode, method: string, path: string, body?: unknown): T {
    const args = ['-sS', '--fail', '--noproxy', '*', '--max-time', '15', '-X', method, '-H', `Authorization: Bearer ${TOKEN}`];
    if (body !== undefined) args.push('-H', 'content-type: application/json', '--data', JSON.stringify(body));
    return JSON.parse(runIn(node.host.ns, 'curl', [...args, `${node.adminUrl}${path}`])) as T;
  }

  /** GET /api/stats of a node, asked from inside its namespace. */
  stats(node: HaNode): StatsDto {
    const body = runIn(node.host.ns, 'curl', ['-sS', '--fail', '--noproxy', '*', '--max-time', '5', '-H', `Authorization: Bearer ${TOKEN}`, `${node.adminUrl}/api/stats`]);
    return JSON.parse(body) as StatsDto;
  }

  /** Connections the node's service has accepted so far. */
  accepted(node: HaNode): number {
    return this.stats(node).services.reduce((sum, s) => sum + s.total, 0);
  }

  /** Stops everything by PID (keepalived first, so no VIP moves while nodes stop), then the namespaces. */
  async close(): Promise<void> {
    try {
      await Promise.all(this.nodes.map((n) => n.keepalived?.process.stop('SIGTERM', 5_000)));
      for (const node of this.nodes) killStrayVrrpChild(join(this.dir, `vrrp-${node.name}.pid`));
      await Promise.all(this.nodes.map((n) => n.fulcrum?.stop('SIGTERM', 5_000)));
      await Promise.all(this.#others.map((p) => p.stop('SIGTERM', 5_000)));
      await this.postgres?.stop();
    } finally {
      this.lab.destroy();
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

/** Fails with one clear line when a program the pair needs is missing (.ci/run installs them). */
function requireCommands(names: string[]): void {
  const missing = names.filter((name) => {
    try {
      execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) throw new Error(`the HA test needs ${missing.join(', ')}: apt-get install -y keepalived curl redis-server util-linux (as .ci/run does)`);
}

/** keepalived's VRRP child, if its parent died without stopping it (pid from our own pid file). */
function killStrayVrrpChild(pidFile: string): void {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').trim());
    if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('keepalived')) return;
  } catch {
    return; // no pid file or no such process: nothing left
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone meanwhile
  }
}
