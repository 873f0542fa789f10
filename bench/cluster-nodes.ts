// Three real `fulcrum` processes sharing one PostgreSQL, for bench/cluster-propagation.ts: each
// with its own data dir and admin port on 127.0.0.1, and its services on its own loopback
// address (--listen-host 127.0.0.2/.3/.4). Started through bench/processes.ts, so every one is
// stopped by its PID whatever happens.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, sleep, startProcess, type Tracked } from './processes.ts';

/** One node of the bench cluster. */
export interface BenchNode {
  name: string;
  /** --listen-host of this node. */
  listenHost: string;
  /** Admin base URL, e.g. http://127.0.0.1:41234 */
  admin: string;
  proc: Tracked;
  logPath: string;
}

/** An API answer, with when the request left and when the whole answer had arrived. */
export interface ApiAnswer {
  status: number;
  headers: Headers;
  body: string;
  sentAt: number;
  answeredAt: number;
}

/** One authenticated API request; times on the performance.now() clock. */
export async function api(admin: string, token: string, method: string, path: string, body?: unknown): Promise<ApiAnswer> {
  const sentAt = performance.now();
  const res = await fetch(`${admin}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text, sentAt, answeredAt: performance.now() };
}

/** The last lines of a node's log, for an error message. */
export function logTail(node: Pick<BenchNode, 'logPath'>, lines = 15): string {
  try {
    return readFileSync(node.logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Starts the nodes named `names` (on 127.0.0.2, .3, …) against `storeUrl`, all at once. */
export async function startNodes(opts: { names: string[]; storeUrl: string; token: string; tmp: string; repoRoot: string }): Promise<BenchNode[]> {
  const nodes: BenchNode[] = [];
  for (const [i, name] of opts.names.entries()) {
    const adminPort = await freePort();
    const listenHost = `127.0.0.${i + 2}`;
    const logPath = join(opts.tmp, `${name}.log`);
    const proc = startProcess(
      `fulcrum-${name}`,
      process.execPath,
      ['--import', 'tsx', join(opts.repoRoot, 'apps/admin/src/cli.ts'), '--admin', `127.0.0.1:${adminPort}`, '--data', join(opts.tmp, name),
        '--store', opts.storeUrl, '--node-name', name, '--listen-host', listenHost],
      { cwd: opts.repoRoot, env: { ...process.env, FULCRUM_ADMIN_TOKEN: opts.token }, logPath },
    );
    nodes.push({ name, listenHost, admin: `http://127.0.0.1:${adminPort}`, proc, logPath });
  }
  return nodes;
}

/** Waits until `node` answers GET /api/cluster listing every node of `names`; bounded. */
export async function waitForCluster(node: BenchNode, token: string, names: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (node.proc.exited) {
      throw new Error(`node ${node.name} exited (code ${node.proc.exitCode}, signal ${node.proc.exitSignal}):\n${logTail(node)}`);
    }
    try {
      const res = await api(node.admin, token, 'GET', '/api/cluster');
      if (res.status === 200) {
        const cluster = JSON.parse(res.body) as { nodes: { name: string }[] };
        const seen = cluster.nodes.map((n) => n.name);
        if (names.every((n) => seen.includes(n))) return;
        last = `it lists ${seen.join(', ') || 'no node'}`;
      } else {
        last = `HTTP ${res.status}`;
      }
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(250);
  }
  throw new Error(`node ${node.name} did not list nodes ${names.join(', ')} within ${timeoutMs} ms (${last}):\n${logTail(node)}`);
}
