// SO_REUSEPORT listening (LoadBalancerOptions.reusePort). Node gained `reusePort` in 22.12 /
// 23.1; on older Node the option is ignored, so the sharing case can only run there.
import { describe, expect, it } from 'vitest';
import { createLoadBalancer } from '../src/load-balancer.ts';
import { backend, config, deadPort, exchange, service, startEcho } from './helpers.ts';

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const nodeHasReusePort = major > 23 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12);

describe('reusePort', () => {
  it('an engine with reusePort still serves normally', async () => {
    const echo = await startEcho();
    const lb = createLoadBalancer({ reusePort: true });
    try {
      const svc = service([backend(echo.port)], { port: await deadPort() });
      await lb.apply(config(svc));
      expect((await exchange(svc.port, Buffer.from('hi'))).toString()).toBe('hi');
    } finally {
      await lb.close();
      await echo.close();
    }
  });

  it.skipIf(!nodeHasReusePort)('two engines with reusePort bind the same port (skipped: needs Node ≥ 22.12 / 23.1)', async () => {
    const echo = await startEcho();
    const a = createLoadBalancer({ reusePort: true });
    const b = createLoadBalancer({ reusePort: true });
    try {
      const port = await deadPort();
      await a.apply(config(service([backend(echo.port)], { port })));
      await b.apply(config(service([backend(echo.port)], { port })));
      expect((await exchange(port, Buffer.from('x'))).toString()).toBe('x');
    } finally {
      await a.close();
      await b.close();
      await echo.close();
    }
  });
});
