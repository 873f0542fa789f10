// Slow consumers: a client that stops reading never makes the hub buffer without bound.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { afterEach, expect, it } from 'vitest';
import type { LiveMessage } from '@fulcrum/shared/live-protocol';
import { LIVE_CLOSE_CODES } from '@fulcrum/shared/live-protocol';
import { LiveHub } from '../src/live/live-hub.ts';

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const fn of cleanup.splice(0)) fn();
});

async function pair(): Promise<{ server: WebSocket; client: WebSocket }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  const connected = once(wss, 'connection');
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  const [server] = (await connected) as [WebSocket];
  await once(client, 'open');
  cleanup.push(() => {
    client.terminate();
    server.terminate();
    wss.close();
  });
  return { server, client };
}

const stats: LiveMessage = { type: 'stats', stats: { time: 1, services: [] } };
const config: LiveMessage = { type: 'config', services: [], version: 1 };

it('skips stats for a client that stops reading, and closes it rather than drop a change', async () => {
  const { server, client } = await pair();
  const hub = new LiveHub({ maxBuffered: 64 * 1024 });
  hub.add(server);
  const received: string[] = [];
  client.on('message', (data: Buffer, isBinary) => {
    if (!isBinary) received.push((JSON.parse(String(data)) as LiveMessage).type);
  });

  hub.broadcast(stats);
  await new Promise<void>((resolve) => client.once('message', () => resolve()));
  expect(received).toEqual(['stats']);

  // Stop reading; fill the kernel buffers until the server side queues in user space.
  (client as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
  const filler = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < 256 && server.bufferedAmount <= 64 * 1024; i++) {
    server.send(filler);
    await new Promise((resolve) => setImmediate(resolve));
  }
  expect(server.bufferedAmount).toBeGreaterThan(64 * 1024);

  const queued = server.bufferedAmount;
  hub.broadcast(stats);
  hub.broadcast(stats);
  expect(hub.skipped).toBe(2);
  expect(server.bufferedAmount).toBe(queued);
  expect(hub.size).toBe(1);

  hub.broadcast(config);
  expect(hub.size).toBe(0);
  const closed = once(client, 'close');
  (client as unknown as { _socket: { resume(): void } })._socket.resume();
  const [code] = (await closed) as [number];
  expect(code).toBe(LIVE_CLOSE_CODES.tooSlow);
  // Neither skipped stats nor the config message were ever queued for it.
  expect(received).toEqual(['stats']);
});

it('drops a client that stops answering pings', async () => {
  const { server, client } = await pair();
  const hub = new LiveHub({ heartbeatMs: 50 });
  cleanup.push(() => hub.closeAll());
  hub.add(server);
  hub.start();
  // A live client answers pings by itself (ws does) and stays: three pongs mean the hub has
  // checked it at least twice after a ping and kept it.
  await new Promise<void>((resolve, reject) => {
    let pongs = 0;
    const timer = setTimeout(() => reject(new Error(`only ${pongs} pongs in 10 s`)), 10_000);
    server.on('pong', () => {
      if (++pongs < 3) return;
      clearTimeout(timer);
      resolve();
    });
  });
  expect(hub.size).toBe(1);
  expect(server.readyState).toBe(WebSocket.OPEN);
  // A frozen one cannot answer, and is terminated.
  (client as unknown as { _socket: { pause(): void } })._socket.pause();
  const closed = once(server, 'close');
  await closed;
  expect(hub.size).toBe(0);
});
