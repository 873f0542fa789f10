import { afterEach, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { createLoadBalancer, type LoadBalancer } from '../src/load-balancer.ts';
import { backend, config, connect, deadPort, exchange, service, startEcho, waitFor } from './helpers.ts';
import { closeWatch } from './fixtures/close-watch.ts';

// Both relays (README "Node releases"): the native one and the net.Socket fallback.
describe.each(['native', 'socket'] as const)('fulcrum:connection:close channel (%s relay)', (relay) => {
  let lb: LoadBalancer;
  const { servers, seen, watchCloses, release } = closeWatch();
  afterEach(() => release(lb));

  it('publishes one message per connection with backend, bytes and close reason', async () => {
    const echo = await startEcho();
    servers.push(echo);
    lb = createLoadBalancer({ relay });
    const svc = service([backend(echo.port)], { idleTimeoutMs: 100 });
    await lb.apply(config(svc));
    watchCloses();
    const port = lb.listenPort(svc.id) as number;
    await exchange(port, Buffer.alloc(1000, 1));
    const idle = await connect(port);
    await once(idle, 'close');
    await waitFor(() => seen.length === 2, 'two close messages');
    expect(seen[0]!.client).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(seen[0]).toMatchObject({ serviceId: svc.id, backend: `127.0.0.1:${echo.port}`, bytesIn: 1000, bytesOut: 1000, reason: 'closed' });
    expect(seen[1]).toMatchObject({ reason: 'idle-timeout', bytesIn: 0 });
  });

  it('reports rejected connections', async () => {
    lb = createLoadBalancer({ relay });
    const svc = service([backend(await deadPort())], { retries: 0 });
    await lb.apply(config(svc));
    watchCloses();
    const c = await connect(lb.listenPort(svc.id) as number);
    await once(c, 'close');
    await waitFor(() => seen.length === 1, 'close message');
    expect(seen[0]).toMatchObject({ backend: null, reason: 'rejected' });
  });
});
