// The HA test's client, run inside the client namespace:
//   node --import tsx ping-client.ts HOST PORT MAX_MS
// Every 20 ms it opens a NEW TCP connection to HOST:PORT, sends a Redis PING in raw RESP and
// expects +PONG; each attempt prints one JSON line {"s":start,"e":end,"ok":true|false,"err"?}
// with wall-clock milliseconds. Bounded: it stops after MAX_MS, when its stdin closes, or on
// SIGTERM, waits for attempts in flight (each gives up after 2 s), and exits 0.
import net from 'node:net';
import { performance } from 'node:perf_hooks';

const [host, portText, maxText] = process.argv.slice(2);
const port = Number(portText);
const maxMs = Number(maxText);
if (!host || !Number.isInteger(port) || !(maxMs > 0)) {
  process.stderr.write('usage: ping-client.ts HOST PORT MAX_MS\n');
  process.exit(2);
}

const EVERY_MS = 20;
const ATTEMPT_TIMEOUT_MS = 2_000;
const MAX_IN_FLIGHT = 200;
const PING = Buffer.from('*1\r\n$4\r\nPING\r\n');

const now = () => performance.timeOrigin + performance.now();
let inFlight = 0;
let stopping = false;

function attempt(): void {
  const start = now();
  inFlight++;
  let reply = '';
  let settled = false;
  const socket = net.connect({ host, port });
  const finish = (ok: boolean, err?: string) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    socket.destroy();
    inFlight--;
    process.stdout.write(`${JSON.stringify({ s: Math.round(start), e: Math.round(now()), ok, ...(err ? { err } : {}) })}\n`);
    if (stopping && inFlight === 0) process.exit(0);
  };
  let connected = false;
  const timer = setTimeout(() => finish(false, connected ? 'NO_REPLY' : 'CONNECT_TIMEOUT'), ATTEMPT_TIMEOUT_MS);
  socket.setNoDelay(true);
  socket.on('connect', () => {
    connected = true;
    socket.write(PING);
  });
  socket.on('data', (chunk) => {
    reply += chunk.toString('latin1');
    if (reply.includes('\r\n')) finish(reply.startsWith('+PONG\r\n'), reply.startsWith('+PONG\r\n') ? undefined : `REPLY ${JSON.stringify(reply.slice(0, 40))}`);
  });
  socket.on('error', (error: NodeJS.ErrnoException) => finish(false, error.code ?? error.message));
  socket.on('close', () => finish(false, 'CLOSED'));
}

const ticker = setInterval(() => {
  if (inFlight < MAX_IN_FLIGHT) attempt();
}, EVERY_MS);

function stop(): void {
  if (stopping) return;
  stopping = true;
  clearInterval(ticker);
  if (inFlight === 0) process.exit(0);
}

setTimeout(stop, maxMs).unref();
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
attempt();
