// `fulcrum --workers 2 --relay socket`: the flag reaches every worker's engine, the banner and
// /metrics name the relay the workers run, and the net.Socket relay proxies there too.
import { afterAll, expect, it } from 'vitest';
import { startEchoServer } from '../helpers.ts';
import { TOKEN, cleanup, createService, echoOnce, onCleanup, startFulcrum } from './harness.ts';

afterAll(cleanup);

it('--relay socket reaches every worker: banner, /metrics and traffic', async () => {
  const echo = await startEchoServer();
  onCleanup(() => echo.close());
  const f = await startFulcrum({ workers: 2, args: ['--relay', 'socket'] });
  expect(f.stdout()).toContain('fulcrum: relay socket (net.Socket): chosen with --relay socket\n');
  const { port } = await createService(f, [echo.port]);
  for (let i = 0; i < 8; i++) expect(await echoOnce(port, `through worker relay ${i}`)).toBe(`through worker relay ${i}`);
  const metrics = await (await fetch(`http://127.0.0.1:${f.adminPort}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
  expect(metrics).toContain('fulcrum_relay_info{relay="socket",fallback="0"} 1');
}, 90_000);
