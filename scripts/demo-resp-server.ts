// The built-in demo backend for machines without redis-server: a small TCP server speaking
// enough RESP for PING, ECHO, SET, GET, INCR, DEL and QUIT (inline and multibulk requests).
import net from 'node:net';
import { once } from 'node:events';
import { RespProtocolError, decodeRequest, reply } from './demo-resp.ts';

/** A running built-in backend. */
export interface RespServer {
  port: number;
  close(): Promise<void>;
}

// Bounded like everything else in the demo: a runaway client cannot fill memory.
const MAX_KEYS = 10_000;
const MAX_BUFFERED = 1024 * 1024;

type Store = Map<string, string>;

function wrongArgs(name: string): string {
  return reply.error(`ERR wrong number of arguments for '${name.toLowerCase()}' command`);
}

function setKey(store: Store, key: string, value: string): string | undefined {
  if (!store.has(key) && store.size >= MAX_KEYS) return reply.error('OOM demo backend holds at most 10000 keys');
  store.set(key, value);
  return undefined;
}

/** Runs one command; `close` asks the connection to end after the reply. */
export function execute(store: Store, args: readonly string[]): { out: string; close?: boolean } {
  const [name = '', ...rest] = args;
  switch (name.toUpperCase()) {
    case 'PING':
      if (rest.length > 1) return { out: wrongArgs(name) };
      return { out: rest.length === 0 ? reply.simple('PONG') : reply.bulk(rest[0]!) };
    case 'ECHO':
      return { out: rest.length === 1 ? reply.bulk(rest[0]!) : wrongArgs(name) };
    case 'GET':
      return { out: rest.length === 1 ? reply.bulk(store.get(rest[0]!) ?? null) : wrongArgs(name) };
    case 'SET': {
      if (rest.length < 2) return { out: wrongArgs(name) };
      if (rest.length > 2) return { out: reply.error('ERR syntax error') };
      return { out: setKey(store, rest[0]!, rest[1]!) ?? reply.simple('OK') };
    }
    case 'INCR': {
      if (rest.length !== 1) return { out: wrongArgs(name) };
      const current = store.get(rest[0]!) ?? '0';
      if (!/^-?\d{1,18}$/.test(current)) return { out: reply.error('ERR value is not an integer or out of range') };
      const next = String(Number(current) + 1);
      return { out: setKey(store, rest[0]!, next) ?? reply.integer(Number(next)) };
    }
    case 'DEL': {
      if (rest.length === 0) return { out: wrongArgs(name) };
      return { out: reply.integer(rest.filter((key) => store.delete(key)).length) };
    }
    case 'COMMAND':
      // redis-cli asks for command docs on start; an empty list is a valid answer.
      return { out: reply.array([]) };
    case 'QUIT':
      return { out: reply.simple('OK'), close: true };
    default:
      return { out: reply.error(`ERR unknown command '${name.slice(0, 64)}', this demo backend knows PING ECHO SET GET INCR DEL QUIT`) };
  }
}

function serve(socket: net.Socket, store: Store): void {
  let buffered: Buffer = Buffer.alloc(0);
  socket.setNoDelay(true);
  socket.on('error', () => {});
  socket.on('data', (chunk: Buffer) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    if (buffered.length > MAX_BUFFERED) {
      socket.end(reply.error('ERR Protocol error: request too large'));
      return;
    }
    let out = '';
    try {
      // Each decoded request consumes at least one byte, so this ends with the buffer.
      for (let decoded = decodeRequest(buffered); decoded; decoded = decodeRequest(buffered)) {
        buffered = buffered.subarray(decoded.length);
        if (decoded.value.length === 0) continue;
        const result = execute(store, decoded.value);
        out += result.out;
        if (result.close) {
          socket.end(out);
          return;
        }
      }
    } catch (err) {
      if (!(err instanceof RespProtocolError)) throw err;
      socket.end(out + reply.error(`ERR Protocol error: ${err.message}`));
      return;
    }
    if (out !== '') socket.write(out);
  });
}

/** Starts a built-in backend on host:port (port 0 picks a free one). */
export async function startRespServer(host: string, port: number): Promise<RespServer> {
  const store: Store = new Map();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serve(socket, store);
  });
  server.listen(port, host);
  await once(server, 'listening'); // rejects on 'error' (port taken)
  return {
    port: (server.address() as net.AddressInfo).port,
    async close() {
      // Like a crashed server: every client connection drops at once.
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
