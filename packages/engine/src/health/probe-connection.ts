// The one connector every probe uses: connect, optionally write a request, judge the reply,
// all under one hard timeout. The socket is destroyed exactly once and the promise never rejects.
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { ProbeResult, ProbeTarget } from './probe-result.ts';

/** A judge's verdict: true = healthy, a string = failure reason, undefined = wait for more bytes. */
export type Verdict = true | string | undefined;

/** What a probe does on its connection. */
export interface ProbeExchange {
  /** Written once connected (omit or empty: write nothing). */
  readonly request?: Buffer;
  /**
   * Judges every byte received so far. `ended` is true when no more will come (peer closed,
   * timeout, or the reply reached 16 KiB); the judge must then decide. Without a judge the
   * probe succeeds once connected and the request is flushed.
   */
  readonly judge?: (reply: Buffer, ended: boolean) => Verdict;
}

/** Replies longer than this are judged as they are; a check never needs more. */
const MAX_REPLY_BYTES = 16 * 1024;

const ERROR_REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connect refused',
  ETIMEDOUT: 'connect timeout',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EADDRNOTAVAIL: 'address not available',
  ENOTFOUND: 'dns lookup failed',
  EAI_AGAIN: 'dns lookup failed',
  ERR_SOCKET_BAD_PORT: 'invalid address',
  ERR_INVALID_ARG_TYPE: 'invalid address',
  ERR_INVALID_ARG_VALUE: 'invalid address',
};

/** A short reason for a socket error (`connect refused`), the same wording for every probe. */
export function errorReason(err: unknown, connected: boolean): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'ECONNRESET' || code === 'EPIPE') return connected ? 'connection reset' : 'connect reset';
  if (code !== undefined && ERROR_REASONS[code] !== undefined) return ERROR_REASONS[code];
  return `${connected ? 'socket' : 'connect'} error ${code ?? 'unknown'}`;
}

/** Runs one probe exchange against `target` within `timeoutMs`. */
export function runProbe(target: ProbeTarget, timeoutMs: number, exchange: ProbeExchange, signal?: AbortSignal): Promise<ProbeResult> {
  return new Promise<ProbeResult>((resolve) => {
    if (signal?.aborted === true) {
      resolve({ ok: false, reason: 'aborted' });
      return;
    }
    const started = performance.now();
    const chunks: Buffer[] = [];
    let received = 0;
    let connected = false;
    let settled = false;
    let socket: net.Socket | undefined;

    const finish = (verdict: true | string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket?.destroy();
      resolve(verdict === true ? { ok: true, latencyMs: performance.now() - started } : { ok: false, reason: verdict });
    };
    const reply = (): Buffer => (chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, received));
    // No more bytes will come: a judge that saw bytes must decide now.
    const conclude = (silentReason: string): void => {
      if (exchange.judge === undefined || received === 0) finish(silentReason);
      else finish(exchange.judge(reply(), true) ?? silentReason);
    };
    function onAbort(): void {
      finish('aborted');
    }

    const timer = setTimeout(() => conclude(connected ? 'timeout waiting for reply' : 'connect timeout'), Math.max(0, timeoutMs));
    timer.unref();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      socket = net.connect({ host: target.host, port: target.port, noDelay: true });
    } catch (err) {
      finish(errorReason(err, false));
      return;
    }
    socket.on('connect', () => {
      connected = true;
      // One write with the request: a backend reading the header and the request together sees both.
      const header = target.proxyHeader;
      const request = header === undefined || header === '' ? exchange.request : Buffer.concat([Buffer.from(header, 'latin1'), exchange.request ?? Buffer.alloc(0)]);
      if (request !== undefined && request.length > 0) {
        socket?.write(request, (err) => {
          if (err == null && exchange.judge === undefined) finish(true);
        });
      } else if (exchange.judge === undefined) {
        finish(true);
      }
    });
    socket.on('data', (chunk: Buffer) => {
      if (exchange.judge === undefined) return;
      chunks.push(chunk);
      received += chunk.length;
      if (received >= MAX_REPLY_BYTES) {
        conclude('reply too long');
        return;
      }
      const verdict = exchange.judge(reply(), false);
      if (verdict !== undefined) finish(verdict);
    });
    socket.on('end', () => conclude(received === 0 ? 'connection closed without reply' : 'connection closed'));
    socket.on('error', (err) => finish(errorReason(err, connected)));
    socket.on('close', () => finish(connected ? 'connection closed' : 'connect failed'));
  });
}
