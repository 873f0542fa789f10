// `fulcrum --workers 2`: services sharing one address by TLS server name work in the workers
// (each worker peeks at its own clients); each openssl client lands on its service.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort } from '../helpers.ts';
import { cleanup, onCleanup, startFulcrum } from './harness.ts';
import type { Fulcrum } from './harness.ts';
import { makeCerts, startTlsBackend, tlsClient } from '../../../../packages/engine/test/openssl-tls.ts';

let f: Fulcrum;
const backends: Record<string, number> = {};

beforeAll(async () => {
  const certs = await makeCerts(['db1.example.com', 'default.example.com']);
  onCleanup(() => certs.remove());
  for (const cn of ['db1.example.com', 'default.example.com']) {
    const b = await startTlsBackend(certs.cert(cn));
    onCleanup(() => b.stop());
    backends[cn] = b.port;
  }
  f = await startFulcrum({ workers: 2 });
}, 60_000);

afterAll(cleanup);

it('routes by server name in every worker', async () => {
  const port = await freePort();
  for (const [name, cn, sni] of [['db1', 'db1.example.com', ['db1.example.com']], ['default', 'default.example.com', null]] as const) {
    const res = await f.api('POST', '/api/services', { name, listen: `127.0.0.1:${port}`, sni, healthCheck: { type: 'none' }, backends: [{ address: `127.0.0.1:${backends[cn]}` }] });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
  // Enough clients that both workers take some (the kernel spreads them).
  for (let i = 0; i < 6; i++) {
    for (const [sni, subject] of [['db1.example.com', 'CN = db1.example.com'], [null, 'CN = default.example.com']] as const) {
      const c = tlsClient(port, sni);
      try {
        expect(await c.subject()).toBe(subject);
        expect(await c.roundTrip('ping')).toBe('gnip');
      } finally {
        await c.close();
      }
    }
  }
});
