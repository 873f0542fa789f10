// Node assertions: how one cluster node vouches for a caller it authenticated when it asks
// another node on that caller's behalf. Browser sessions live on one node only, so a forwarded
// cookie means nothing elsewhere; API tokens are replicated, so the forwarding node names the
// token (by id) and signs, with the cluster secret, the token id, the time, the method, the path
// with its query and the target node's name. The target accepts it for GET only, within ±30 s.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The request header that carries a node assertion. */
export const NODE_ASSERTION_HEADER = 'x-fulcrum-node-assertion';

/** How far an assertion's time may be from the receiving node's clock. */
export const NODE_ASSERTION_WINDOW_MS = 30_000;

/** What an assertion binds, besides the token id and the time. */
export interface AssertedRequest {
  method: string;
  /** The request path with its query string, as sent. */
  pathWithQuery: string;
  /** The name of the node the request is for. */
  targetNode: string;
}

function mac(secret: Buffer, tokenId: number, unixMs: number, req: AssertedRequest): Buffer {
  const text = ['v1', String(tokenId), String(unixMs), req.method.toUpperCase(), req.pathWithQuery, req.targetNode].join('\n');
  return createHmac('sha256', secret).update(text).digest();
}

/** The header value asserting that `tokenId`'s owner makes `req` at `unixMs`. */
export function signNodeAssertion(secret: Buffer, tokenId: number, req: AssertedRequest, unixMs = Date.now()): string {
  return `v1.${tokenId}.${unixMs}.${mac(secret, tokenId, unixMs, req).toString('base64url')}`;
}

/**
 * The token id `header` asserts for `req`, or undefined when it is malformed, signed for
 * anything else, not a GET, or its time is more than the window away from `now`.
 */
export function verifyNodeAssertion(secret: Buffer, header: string, req: AssertedRequest, now = Date.now()): number | undefined {
  if (req.method.toUpperCase() !== 'GET') return undefined;
  const match = /^v1\.([1-9][0-9]{0,15})\.([0-9]{1,16})\.([A-Za-z0-9_-]{43})$/.exec(header);
  if (!match) return undefined;
  const tokenId = Number(match[1]);
  const unixMs = Number(match[2]);
  if (!Number.isSafeInteger(tokenId) || !Number.isSafeInteger(unixMs)) return undefined;
  if (Math.abs(now - unixMs) > NODE_ASSERTION_WINDOW_MS) return undefined;
  const given = Buffer.from(match[3]!, 'base64url');
  const expected = mac(secret, tokenId, unixMs, req);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return tokenId;
}
