// http check: `httpMethod httpPath HTTP/1.1` (GET, HEAD or OPTIONS) with Host and
// `Connection: close`; the status code of the status line must lie in [httpStatusMin,
// httpStatusMax]. Only the status line is read; the socket is closed without reading the body.
import { HTTP_CHECK_METHODS, isOneOf } from '@fulcrum/shared/enums';
import type { HttpCheckMethod } from '@fulcrum/shared/enums';
import type { HealthCheckConfig } from '../config.ts';
import { runProbe } from './probe-connection.ts';
import type { Verdict } from './probe-connection.ts';
import type { ProbeResult, ProbeTarget } from './probe-result.ts';
import { unexpectedReply } from './reply-snippet.ts';

const STATUS_LINE = /^HTTP\/\d(?:\.\d)? (\d{3})(?:[ \r]|$)/;

/** The request bytes for `method path` on `target`. */
export function httpRequest(target: ProbeTarget, path: string, method: HttpCheckMethod = 'GET'): Buffer {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  const head = `${method} ${path} HTTP/1.1\r\nHost: ${host}:${target.port}\r\nUser-Agent: fulcrum-health-check\r\nAccept: */*\r\nConnection: close\r\n\r\n`;
  return Buffer.from(head, 'latin1');
}

/** Judges the status line once it is complete. */
export function judgeHttpReply(reply: Buffer, ended: boolean, min: number, max: number): Verdict {
  const eol = reply.indexOf(0x0a);
  if (eol === -1 && !ended) return undefined;
  const match = STATUS_LINE.exec(reply.toString('latin1', 0, eol === -1 ? reply.length : eol));
  if (match === null) return unexpectedReply(reply);
  const status = Number(match[1]);
  return status >= min && status <= max ? true : `http status ${status}`;
}

/** Healthy when `httpMethod httpPath` answers with a status in the configured range. */
export function probeHttp(target: ProbeTarget, config: HealthCheckConfig, signal?: AbortSignal): Promise<ProbeResult> {
  // A path with whitespace or control bytes would smuggle extra header lines into the request.
  if (!/^[\x21-\x7e]+$/.test(config.httpPath)) return Promise.resolve({ ok: false, reason: 'invalid http path' });
  if (!isOneOf(HTTP_CHECK_METHODS, config.httpMethod)) return Promise.resolve({ ok: false, reason: 'invalid http method' });
  const { httpStatusMin: min, httpStatusMax: max } = config;
  return runProbe(target, config.timeoutMs, {
    request: httpRequest(target, config.httpPath, config.httpMethod),
    judge: (reply, ended) => judgeHttpReply(reply, ended, min, max),
  }, signal);
}
