// checkPort + httpMethod: the check asks a Patroni-like sidecar (`OPTIONS /primary` on its own
// port) while the traffic goes to the backend's port.
import http from 'node:http';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { createLoadBalancer, type LoadBalancer } from '../../src/load-balancer.ts';
import type { BackendHealthEvent } from '../../src/events.ts';
import { backend, config, exchange, service, startEcho, waitFor, type TestServer } from '../helpers.ts';

describe('checkPort and httpMethod', () => {
  let lb: LoadBalancer | undefined;
  let echo: TestServer | undefined;
  let sidecar: http.Server | undefined;
  afterEach(async () => {
    await lb?.close();
    await echo?.close();
    sidecar?.closeAllConnections();
    await new Promise<void>((r) => (sidecar ? sidecar.close(() => r()) : r()));
  });

  it('the backend is up while the sidecar answers OPTIONS /primary with 200, down with its 503', async () => {
    let isPrimary = true;
    const seen: string[] = [];
    sidecar = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      // Like Patroni: only OPTIONS/GET /primary means anything; other methods are refused.
      if (req.method !== 'OPTIONS') res.writeHead(405).end();
      else res.writeHead(req.url === '/primary' && isPrimary ? 200 : 503).end();
    });
    sidecar.listen(0, '127.0.0.1');
    await once(sidecar, 'listening');
    const sidecarPort = (sidecar.address() as { port: number }).port;
    echo = await startEcho();
    lb = createLoadBalancer();
    const b = backend(echo.port);
    const svc = service([b]);
    svc.healthCheck = { ...svc.healthCheck, type: 'http', httpMethod: 'OPTIONS', httpPath: '/primary', checkPort: sidecarPort, intervalMs: 100, timeoutMs: 500, rise: 1, fall: 1 };
    const events: BackendHealthEvent[] = [];
    lb.on('backend-health', (e) => events.push(e));
    await lb.apply(config(svc));
    const health = () => lb!.stats().services[0]?.backends[0]?.health;
    await waitFor(() => health() === 'up', 'up by the sidecar');
    expect(seen[0]).toBe('OPTIONS /primary');
    // Traffic still goes to the backend's own port.
    expect((await exchange(lb.listenPort(svc.id) as number, Buffer.from('hello'))).toString()).toBe('hello');

    isPrimary = false;
    await waitFor(() => health() === 'down', 'down by the sidecar');
    expect(events.at(-1)?.reason).toBe('fall: 1 × http status 503');
  });
});
