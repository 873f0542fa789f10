// send-expect check: write `send` (escapes decoded), then the reply must contain `expect`.
//
// Rules: `send` and a plain `expect` understand \r \n \t \\ \xHH (decode-escapes.ts) and are
// compared as bytes. With `expectRegex` the expression is matched against the reply read as
// latin1 (one char per byte, so `\xHH` in the pattern matches byte HH). Bytes are gathered
// until they match, the peer closes, 16 KiB arrive or the timeout passes — so a reply split over
// several packets still matches; a reply that never matches fails as `unexpected reply "…"`.
// An empty `send` writes nothing (banner protocols); an empty `expect` succeeds once `send` is
// flushed, without waiting for a reply.
import type { HealthCheckConfig } from '../config.ts';
import { decodeEscapes } from './decode-escapes.ts';
import { runProbe } from './probe-connection.ts';
import type { ProbeExchange } from './probe-connection.ts';
import type { ProbeResult, ProbeTarget } from './probe-result.ts';
import { unexpectedReply } from './reply-snippet.ts';

function matcher(config: HealthCheckConfig): ((reply: Buffer) => boolean) | undefined {
  if (config.expectRegex) {
    const pattern = new RegExp(config.expect);
    return (reply) => pattern.test(reply.toString('latin1'));
  }
  const expected = decodeEscapes(config.expect);
  return expected.length === 0 ? undefined : (reply) => reply.includes(expected);
}

/** Healthy when the reply to `send` contains `expect` (or matches it as a RegExp). */
export function probeSendExpect(target: ProbeTarget, config: HealthCheckConfig, signal?: AbortSignal): Promise<ProbeResult> {
  let matches: ((reply: Buffer) => boolean) | undefined;
  try {
    matches = matcher(config);
  } catch {
    return Promise.resolve({ ok: false, reason: 'invalid expect regex' });
  }
  const exchange: ProbeExchange = { request: decodeEscapes(config.send), judge: matches && judgeWith(matches) };
  return runProbe(target, config.timeoutMs, exchange, signal);
}

function judgeWith(matches: (reply: Buffer) => boolean): NonNullable<ProbeExchange['judge']> {
  return (reply, ended) => {
    if (matches(reply)) return true;
    return ended ? unexpectedReply(reply) : undefined;
  };
}
