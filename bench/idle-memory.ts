// Memory per idle proxied connection: open N connections through the proxy, each proven
// end to end by one PING/PONG, hold them idle, and read the proxy's RSS before and after.
import net from 'node:net';
import { processRssBytes, processTree, sleep, treeRssBytes } from './processes.ts';

/** Result of the idle-connection memory measurement for one target. */
export interface MemoryResult {
  connections: number;
  rssBeforeBytes: number;
  rssAfterBytes: number;
  bytesPerConnection: number;
  /** RSS of each process of the tree before any connection (root first): the fixed cost. */
  processes?: Array<{ pid: number; rssBytes: number }>;
  /** Extra redis clients while held: proves the proxy really opened one backend connection each. */
  backendClients: number | undefined;
  error: string | undefined;
}

/** Opens one connection and completes a PING/PONG on it; resolves with the open socket. */
function openPinged(port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let buf = '';
    const fail = (err: Error) => { clearTimeout(timer); sock.destroy(); reject(err); };
    const timer = setTimeout(() => fail(new Error('PING timed out')), timeoutMs);
    sock.once('connect', () => sock.write('PING\r\n'));
    sock.once('error', fail);
    const onData = (d: Buffer) => {
      buf += d.toString();
      if (!buf.includes('\r\n')) return;
      clearTimeout(timer);
      sock.off('data', onData);
      sock.off('error', fail);
      sock.on('error', () => {}); // a reset while idle must not crash the harness
      if (buf.startsWith('+PONG')) resolve(sock);
      else { sock.destroy(); reject(new Error(`unexpected reply ${JSON.stringify(buf.slice(0, 40))}`)); }
    };
    sock.on('data', onData);
  });
}

/** Asks redis directly for INFO clients → connected_clients. */
export function redisConnectedClients(redisPort: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const sock = net.connect(redisPort, '127.0.0.1');
    let buf = '';
    const done = (v: number | undefined) => { clearTimeout(timer); sock.destroy(); resolve(v); };
    const timer = setTimeout(() => done(undefined), 2000);
    sock.once('connect', () => sock.write('INFO clients\r\n'));
    sock.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /connected_clients:(\d+)/.exec(buf);
      if (m?.[1]) done(Number(m[1]));
    });
    sock.once('error', () => done(undefined));
  });
}

/** Median of a few RSS samples, so one GC in flight does not decide the number. */
async function sampleRss(pid: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 3; i++) {
    if (i > 0) await sleep(250);
    samples.push(treeRssBytes(pid));
  }
  return samples.sort((a, b) => a - b)[1] ?? 0;
}

/** Waits (bounded) until redis is back to at most `baseline` clients, so the next run starts clean. */
export async function waitForBackendDrain(redisPort: number, baseline: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const n = await redisConnectedClients(redisPort);
    if (n !== undefined && n <= baseline) return;
    await sleep(200);
  }
}

/** The whole measurement. Always closes every socket it opened before returning. */
export async function measureIdleMemory(opts: {
  port: number; pid: number; redisPort: number; connections: number; batch: number; settleMs: number;
}): Promise<MemoryResult> {
  const sockets: net.Socket[] = [];
  const processes = processTree(opts.pid).map((pid) => ({ pid, rssBytes: processRssBytes(pid) }));
  const rssBeforeBytes = await sampleRss(opts.pid);
  // After the RSS samples, so readiness probes that just closed are gone from redis' count.
  const baselineClients = (await redisConnectedClients(opts.redisPort)) ?? 1;
  const result: MemoryResult = {
    connections: 0, rssBeforeBytes, rssAfterBytes: rssBeforeBytes, bytesPerConnection: 0, processes,
    backendClients: undefined, error: undefined,
  };
  try {
    for (let opened = 0; opened < opts.connections; opened += opts.batch) {
      const size = Math.min(opts.batch, opts.connections - opened);
      const settled = await Promise.allSettled(Array.from({ length: size }, () => openPinged(opts.port, 10_000)));
      for (const s of settled) if (s.status === 'fulfilled') sockets.push(s.value);
      const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed) throw new Error(`after ${sockets.length} connections: ${String(failed.reason)}`);
    }
    await sleep(opts.settleMs);
    result.connections = sockets.length;
    result.rssAfterBytes = await sampleRss(opts.pid);
    const held = await redisConnectedClients(opts.redisPort);
    result.backendClients = held === undefined ? undefined : held - baselineClients;
    result.bytesPerConnection = (result.rssAfterBytes - result.rssBeforeBytes) / sockets.length;
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
  } finally {
    for (const s of sockets) s.destroy();
    await waitForBackendDrain(opts.redisPort, baselineClients);
  }
  return result;
}
