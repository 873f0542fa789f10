// Which relay a load balancer runs (relay-choice.ts): native where its check passes, the
// net.Socket relay where it fails (the check replaced through the documented relayCheck option,
// as a Node whose internals moved would make it fail), and an error when native is insisted on.
import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createLoadBalancer, type LoadBalancer } from '../src/load-balancer.ts';
import { backend, config, exchange, service, startEcho, waitFor, type TestServer } from './helpers.ts';

describe('relay choice', () => {
  let lb: LoadBalancer | undefined;
  const servers: TestServer[] = [];
  afterEach(async () => {
    await lb?.close();
    lb = undefined;
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('auto on a Node whose check passes: the native relay, in stats() too', async () => {
    lb = createLoadBalancer();
    expect(lb.relay).toBeNull();
    await lb.apply(config());
    expect(lb.relay).toEqual({ relay: 'native', reason: null, permissionDenied: false });
    expect(lb.stats().relay).toEqual(lb.relay);
  });

  it('auto when the check fails: the socket relay, saying why, and it relays byte-exact', async () => {
    const echo = await startEcho();
    servers.push(echo);
    let checked = 0;
    lb = createLoadBalancer({ relayCheck: () => (checked++, ['stream state index kLastWriteWasAsync']) });
    const svc = service([backend(echo.port)]);
    await lb.apply(config(svc));
    await lb.apply(config(svc));
    expect(checked).toBe(1);
    expect(lb.relay).toEqual({ relay: 'socket', reason: 'stream state index kLastWriteWasAsync', permissionDenied: false });
    const payload = randomBytes(3 * 1024 * 1024);
    expect((await exchange(lb.listenPort(svc.id) as number, payload)).equals(payload)).toBe(true);
    await waitFor(() => lb?.stats().services[0]?.active === 0, 'teardown');
    expect(lb.stats().services[0]?.backends[0]).toMatchObject({ bytesIn: payload.length, bytesOut: payload.length, total: 1 });
  });

  it('native insisted on where the check fails: apply() fails with FULCRUM_UNSUPPORTED_RUNTIME and binds nothing', async () => {
    lb = createLoadBalancer({ relay: 'native', relayCheck: async () => ['missing useUserBuffer'] });
    const svc = service([backend(1)]);
    await expect(lb.apply(config(svc))).rejects.toMatchObject({ code: 'FULCRUM_UNSUPPORTED_RUNTIME', message: expect.stringContaining('missing useUserBuffer') });
    expect(lb.listenPort(svc.id)).toBeUndefined();
    expect(lb.relay).toBeNull();
  });

  it('socket asked for: the check does not run', async () => {
    lb = createLoadBalancer({ relay: 'socket', relayCheck: () => { throw new Error('must not run'); } });
    await lb.apply(config());
    expect(lb.relay).toEqual({ relay: 'socket', reason: null, permissionDenied: false });
  });
});
