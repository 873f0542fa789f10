// Test hosts as Linux network namespaces: one namespace holding a bridge, and one namespace per
// host wired to it by a veth pair, on a 10.77.N.0/24 that exists only inside these namespaces.
// Names carry this process's pid, so parallel runs never meet. destroy() — or, if the runner
// dies first, the exit/signal hook below — kills every process still inside a namespace of ours
// (by the PIDs `ip netns pids` lists: a process left behind would keep its namespace alive,
// unnamed) and deletes the namespaces by name.
import { execFileSync } from 'node:child_process';
import { ip } from './ns-process.ts';

const created = new Set<string>();

function destroyAll(): void {
  for (const ns of created) deleteNamespace(ns);
}
process.once('exit', destroyAll);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    destroyAll();
    process.kill(process.pid, signal); // the default action, now that the handler is gone
  });
}

/** SIGKILLs every process in namespace `ns` (twice over: a killed child may have been respawned). */
function killProcessesIn(ns: string): void {
  for (let pass = 0; pass < 2; pass++) {
    let pids: number[];
    try {
      pids = execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8', timeout: 10_000 }).split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return; // no such namespace
    }
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // exited meanwhile
      }
    }
  }
}

function deleteNamespace(ns: string): void {
  killProcessesIn(ns);
  try {
    execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore', timeout: 10_000 });
  } catch {
    // already gone
  }
  created.delete(ns);
}

function addNamespace(ns: string): void {
  ip('netns', 'add', ns);
  created.add(ns);
  ip('-n', ns, 'link', 'set', 'lo', 'up');
}

/** Why namespace tests cannot run here, or null when they can (root, and `ip netns` works). */
export function netnsUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (ip netns, veth, bridge); CI runs as root';
  const probe = `fulcrum-probe-${process.pid}`;
  try {
    addNamespace(probe);
  } catch (error) {
    return `ip netns does not work here: ${String((error as { stderr?: unknown }).stderr ?? error).trim()}`;
  } finally {
    deleteNamespace(probe);
  }
  return null;
}

/** One host of the lab: its namespace and its address on the lab's bridge. */
export interface LabHost {
  readonly name: string;
  readonly ns: string;
  readonly address: string;
}

/** A bridge and hosts on it, each host a namespace with `eth0` on 10.77.N.0/24. */
export class NetnsLab {
  /** The first three octets of the lab's /24, e.g. `10.77.42`. */
  readonly prefix: string;
  readonly #bridgeNs: string;
  readonly #base: string;
  readonly #hosts = new Map<string, LabHost>();

  private constructor(base: string, prefix: string) {
    this.#base = base;
    this.prefix = prefix;
    this.#bridgeNs = `${base}-bridge`;
  }

  /** Creates the bridge namespace and one namespace per host; `hosts` maps name → last octet. */
  static create(hosts: Record<string, number>): NetnsLab {
    const lab = new NetnsLab(`fulcrum-ha-${process.pid}`, `10.77.${Math.floor(Math.random() * 256)}`);
    try {
      addNamespace(lab.#bridgeNs);
      ip('-n', lab.#bridgeNs, 'link', 'add', 'br0', 'type', 'bridge', 'mcast_snooping', '0');
      ip('-n', lab.#bridgeNs, 'link', 'set', 'br0', 'up');
      let port = 0;
      for (const [name, octet] of Object.entries(hosts)) lab.#addHost(name, octet, `p${port++}`);
    } catch (error) {
      lab.destroy();
      throw error;
    }
    return lab;
  }

  #addHost(name: string, octet: number, port: string): void {
    const host: LabHost = { name, ns: `${this.#base}-${name}`, address: this.address(octet) };
    addNamespace(host.ns);
    this.#hosts.set(name, host);
    ip('-n', this.#bridgeNs, 'link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', host.ns);
    ip('-n', this.#bridgeNs, 'link', 'set', port, 'master', 'br0', 'up');
    ip('-n', host.ns, 'addr', 'add', `${host.address}/24`, 'dev', 'eth0');
    ip('-n', host.ns, 'link', 'set', 'eth0', 'up');
  }

  /** `prefix.octet`: an address on the lab's /24. */
  address(octet: number): string {
    return `${this.prefix}.${octet}`;
  }

  host(name: string): LabHost {
    const host = this.#hosts.get(name);
    if (!host) throw new Error(`no host ${name} in this lab`);
    return host;
  }

  /** True when `address` is configured on eth0 in host `name`'s namespace. */
  hasAddress(name: string, address: string): boolean {
    const shown = ip('-n', this.host(name).ns, '-o', '-4', 'addr', 'show', 'dev', 'eth0');
    return shown.split(/\s+/).some((word) => word.split('/')[0] === address);
  }

  /** Takes host `name`'s eth0 down: to the others, the host is gone. */
  linkDown(name: string): void {
    ip('-n', this.host(name).ns, 'link', 'set', 'eth0', 'down');
  }

  /** Brings host `name`'s eth0 (back) up. */
  linkUp(name: string): void {
    ip('-n', this.host(name).ns, 'link', 'set', 'eth0', 'up');
  }

  /** Kills whatever still runs in the lab's namespaces and deletes them; the veths go with them. */
  destroy(): void {
    for (const host of this.#hosts.values()) deleteNamespace(host.ns);
    this.#hosts.clear();
    deleteNamespace(this.#bridgeNs);
  }
}
