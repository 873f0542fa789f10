// A real DNS server for discovery tests: dnsmasq on 127.0.0.1 at a free port, as this test's own
// child process, answering only from files the test writes. `.internal` is local (--local), so a
// name missing from the files is NXDOMAIN, never forwarded. A records come from a hosts file that
// dnsmasq rereads on SIGHUP; SRV records (srv-host lines) are only read at start, so changing them
// restarts dnsmasq on the same port.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../helpers.ts';

/** Where dnsmasq lives (dnsmasq-base installs it in /usr/sbin, often not on PATH). */
export const DNSMASQ = ['/usr/sbin/dnsmasq', '/usr/bin/dnsmasq'].find((p) => existsSync(p));

export interface DnsRecords {
  /** address → names, as in /etc/hosts. */
  hosts: [address: string, name: string][];
  /** SRV records: name, target, port, priority, weight. */
  srv?: [name: string, target: string, port: number, priority: number, weight: number][];
}

export class Dnsmasq {
  readonly port: number;
  readonly #dir: string;
  #child: ChildProcess | undefined;
  #log = '';

  private constructor(dir: string, port: number) {
    this.#dir = dir;
    this.port = port;
  }

  /** Starts dnsmasq serving `records` (files in `dir`). */
  static async start(dir: string, records: DnsRecords): Promise<Dnsmasq> {
    const server = new Dnsmasq(dir, await freePort());
    server.#write(records);
    await server.#spawn();
    return server;
  }

  /** `127.0.0.1:port`, for --dns-server. */
  get server(): string {
    return `127.0.0.1:${this.port}`;
  }

  #write(records: DnsRecords): void {
    writeFileSync(join(this.#dir, 'hosts'), records.hosts.map(([a, n]) => `${a} ${n}\n`).join(''));
    writeFileSync(join(this.#dir, 'dnsmasq.conf'), (records.srv ?? []).map((r) => `srv-host=${r.join(',')}\n`).join(''));
  }

  async #spawn(): Promise<void> {
    if (!DNSMASQ) throw new Error('dnsmasq is not installed (apt-get install dnsmasq-base)');
    const user = process.getuid?.() === 0 ? ['--user=root'] : [];
    const child = spawn(
      DNSMASQ,
      [
        '--no-daemon',
        `--port=${this.port}`,
        '--listen-address=127.0.0.1',
        '--bind-interfaces',
        '--no-resolv',
        '--no-hosts',
        '--local=/internal/',
        `--addn-hosts=${join(this.#dir, 'hosts')}`,
        `--conf-file=${join(this.#dir, 'dnsmasq.conf')}`,
        '--local-ttl=1',
        '--pid-file=',
        ...user,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.#child = child;
    const ready = new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        this.#log += chunk.toString();
        if (this.#log.includes('read ') && this.#log.includes('hosts')) resolve();
      };
      child.stderr!.on('data', onData);
      child.stdout!.on('data', onData);
      child.once('exit', (code) => reject(new Error(`dnsmasq exited (${code}): ${this.#log}`)));
    });
    await ready;
  }

  /** New A records (SIGHUP: dnsmasq rereads the hosts file); resolves once it has. */
  async setHosts(hosts: DnsRecords['hosts']): Promise<void> {
    const before = this.#log.length;
    writeFileSync(join(this.#dir, 'hosts'), hosts.map(([a, n]) => `${a} ${n}\n`).join(''));
    this.#child!.kill('SIGHUP');
    const deadline = Date.now() + 5000;
    while (!this.#log.slice(before).includes('read ')) {
      if (Date.now() > deadline) throw new Error(`dnsmasq did not reread its hosts file: ${this.#log}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** New records of every kind: dnsmasq restarts on the same port (SRV lines are read at start only). */
  async restart(records: DnsRecords): Promise<void> {
    await this.stop();
    this.#write(records);
    this.#log = '';
    await this.#spawn();
  }

  /** Kills this dnsmasq (by its PID) and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.removeAllListeners('exit');
    const exited = once(child, 'exit');
    process.kill(child.pid!, 'SIGTERM');
    await exited;
  }
}
