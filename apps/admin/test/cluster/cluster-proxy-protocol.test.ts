// `fulcrum --workers 2` with the PROXY protocol: the workers read the clients' headers and send
// their own to the backend; the primary's health checks send the check header (the backend
// below refuses anything without one); rejections add up in the merged stats.
import net from 'node:net';
import { once } from 'node:events';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, startTcpServer } from '../helpers.ts';
import type { TcpServer } from '../helpers.ts';
import { cleanup, createService, onCleanup, startFulcrum } from './harness.ts';
import type { Fulcrum } from './harness.ts';

let f: Fulcrum;
let backend: TcpServer;
/** The PROXY lines of the traffic connections the backend served. */
const lines: string[] = [];

beforeAll(async () => {
  // Requires a v1 header first: a check's `PROXY UNKNOWN` gets "OK", a client's line is recorded
  // and the rest echoed; anything else is closed at once (as a real consumer would).
  backend = await startTcpServer((s) => {
    let buf = '';
    let relaying = false;
    s.on('end', () => s.end());
    s.on('data', (d: Buffer) => {
      if (relaying) {
        s.write(d);
        return;
      }
      buf += d.toString('latin1');
      if (!'PROXY '.startsWith(buf.slice(0, 6)) || (buf.length >= 6 && !buf.startsWith('PROXY '))) {
        s.destroy();
        return;
      }
      const end = buf.indexOf('\r\n');
      if (end < 0) return;
      const line = buf.slice(0, end);
      if (line === 'PROXY UNKNOWN') {
        s.end('OK');
        return;
      }
      lines.push(line);
      relaying = true;
      if (buf.length > end + 2) s.write(buf.slice(end + 2));
    });
  });
  onCleanup(() => backend.close());
  f = await startFulcrum({ workers: 2 });
}, 60_000);

afterAll(cleanup);

/** A client behind a balancer: header + "ping"; resolves with the echo ('' when closed without one). */
async function viaHeader(port: number, head: string): Promise<string> {
  const s = net.connect({ host: '127.0.0.1', port });
  s.on('error', () => {});
  await once(s, 'connect');
  let answer = '';
  s.on('data', (d: Buffer) => {
    answer += String(d);
    if (answer === 'ping') s.end();
  });
  s.write(`${head}ping`);
  await once(s, 'close');
  return answer;
}

it('workers decode and send headers, the primary checks with one, refusals are merged', { timeout: 60_000 }, async () => {
  const { service, port } = await createService(f, [backend.port], {
    proxyProtocol: 'v1',
    acceptProxyProtocol: { from: ['127.0.0.0/8'] },
    healthCheck: { type: 'send-expect', send: '', expect: 'OK', intervalMs: 300, timeoutMs: 1000, rise: 1, fall: 1 },
  });
  await eventually(async () => ((await f.stats()).services.find((x) => x.id === service.id)?.backends[0]?.health === 'up' ? true : undefined), 20_000);
  const N = 10;
  for (let i = 1; i <= N; i++) {
    expect(await viaHeader(port, `PROXY TCP4 203.0.113.${i} 127.0.0.1 ${40000 + i} ${port}\r\n`)).toBe('ping');
    expect(await viaHeader(port, 'PROXY TCP9 what\r\n')).toBe('');
  }
  expect(lines.sort()).toEqual(Array.from({ length: N }, (_, k) => `PROXY TCP4 203.0.113.${k + 1} 127.0.0.1 ${40001 + k} ${port}`).sort());
  const s = await eventually(async () => {
    const now = (await f.stats()).services.find((x) => x.id === service.id);
    return now?.rejectedByReason['proxy-invalid'] === N && now.total === N ? now : undefined;
  }, 20_000);
  expect(s.backends[0]!.health).toBe('up');
});
